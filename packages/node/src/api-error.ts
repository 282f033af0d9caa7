import type { ApiErrorBody } from "./generated/api-types.ts";

/**
 * Codes the client itself uses when there is no server answer to read: the request never got one
 * (`NETWORK_ERROR`), or the answer was not the API's JSON error body (`UNEXPECTED_RESPONSE`, e.g. an
 * HTML page from a proxy). Every other code is from the server's catalog (docs/errors.md).
 */
export type ClientErrorCode = "NETWORK_ERROR" | "UNEXPECTED_RESPONSE";

/**
 * A refusal or failure answered by the Portcullis API, typed by its stable `code`.
 *
 * @example
 * try {
 *   await admin.tokens.get("key_missing");
 * } catch (error) {
 *   if (error instanceof PortcullisApiError && error.code === "NOT_FOUND") console.log("no such key");
 *   else throw error;
 * }
 */
export class PortcullisApiError extends Error {
  override readonly name = "PortcullisApiError";
  /** The catalog code (`ORIGIN_NOT_ALLOWED`, `NOT_FOUND`, …) or a {@link ClientErrorCode}. */
  readonly code: string;
  /** The HTTP status; 0 when no answer arrived. */
  readonly status: number;
  /** The server's request ID (`req_…`), to quote when asking for help; undefined without an answer. */
  readonly requestId: string | undefined;
  /** The request field the refusal is about, when there is one (e.g. `restrictions.allowedOrigins`). */
  readonly field: string | undefined;
  /** A link to the code's entry in the error catalog. */
  readonly docs: string | undefined;

  /**
   * @example
   * new PortcullisApiError({ statusCode: 404, error: "Not Found", code: "NOT_FOUND", message: "No key with this ID.", requestId: "req_1" });
   */
  constructor(body: ApiErrorBody, options?: { cause?: unknown }) {
    super(body.message, options);
    this.code = body.code;
    this.status = body.statusCode;
    this.requestId = body.requestId || undefined;
    this.field = body.field;
    this.docs = body.docs;
  }
}

/** True for the API's error body, so a body of another shape is never mistaken for one. */
export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.code === "string" && typeof body.message === "string" && typeof body.statusCode === "number";
}
