import type { KnownCode } from "./codes.ts";

/** Details a refusal carries besides its code. */
export type PortcullisErrorDetails = {
  /** HTTP status of the answer, when the error came from one. */
  status?: number;
  /** The server's request ID (`req_…`); quote it when reporting a problem. */
  requestId?: string;
  /** Link to the code's entry in the error catalog. */
  docs?: string;
  /** The request field the refusal is about, when there is one (e.g. `assistantOverrides.model`). */
  field?: string;
  /** Seconds to wait before retrying, from a 429 answer's `Retry-After`. */
  retryAfterSeconds?: number;
  cause?: unknown;
};

/**
 * Every refusal and failure the SDK reports. `code` is a stable catalog code (switch on it, not on
 * `message`); the type lists the known ones but stays open to codes added by newer servers.
 *
 * @example
 * try {
 *   await client.start("asst_…");
 * } catch (error) {
 *   if (error instanceof PortcullisError && error.code === "ORIGIN_NOT_ALLOWED") showBanner("Wrong site");
 *   else throw error;
 * }
 */
export class PortcullisError extends Error {
  override readonly name = "PortcullisError";
  readonly code: KnownCode | (string & {});
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly docs: string | undefined;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  /**
   * @example
   * throw new PortcullisError("CONNECTION_FAILED", "The call could not be joined.");
   */
  constructor(code: KnownCode | (string & {}), message: string, details: PortcullisErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.requestId = details.requestId;
    this.docs = details.docs;
    this.field = details.field;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/**
 * Reads a server refusal (`{statusCode, error, code, message, docs, requestId}`) into an error;
 * anything else becomes `UNEXPECTED_RESPONSE`.
 *
 * @example
 * if (!response.ok) throw await errorFromResponse(response);
 */
export async function errorFromResponse(response: Response): Promise<PortcullisError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const retry = Number(response.headers.get("retry-after"));
  const base: PortcullisErrorDetails = {
    status: response.status,
    ...(Number.isFinite(retry) && retry > 0 && { retryAfterSeconds: retry }),
  };
  if (typeof body !== "object" || body === null || typeof (body as { code?: unknown }).code !== "string")
    return new PortcullisError(
      "UNEXPECTED_RESPONSE",
      `The server answered ${response.status} without a Portcullis error body.`,
      base,
    );
  const { code, message, requestId, docs, field } = body as Record<string, unknown>;
  return new PortcullisError(code as string, typeof message === "string" ? message : (code as string), {
    ...base,
    ...(typeof requestId === "string" && { requestId }),
    ...(typeof docs === "string" && { docs }),
    ...(typeof field === "string" && { field }),
  });
}
