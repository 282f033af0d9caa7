/**
 * The error catalog: every code Portcullis answers with, its HTTP status and a default message.
 * Codes are stable: once published a code is never reused for another meaning, even when retired.
 * `docs/errors.md` is kept in step with this table by a test.
 */
export const ERROR_CATALOG = {
  // Credentials
  MISSING_CREDENTIAL: {
    status: 401,
    message: "Send a key or token as 'Authorization: Bearer <key or token>'.",
  },
  INVALID_KEY: {
    status: 401,
    message: "The key is not valid: it is malformed, mistyped, or does not exist.",
  },
  KEY_DISABLED: {
    status: 401,
    message: "The key is disabled (restrictions.enabled is false). Enable it to use it again.",
  },
  KEY_REVOKED: {
    status: 401,
    message: "The key was revoked and can never be used again. Create a new key.",
  },
  PRIVATE_KEY_REQUIRED: {
    status: 401,
    message: "This route needs a private key (pcsk_…) or a token with tag 'private'.",
  },
  PUBLIC_KEY_NOT_ALLOWED_HERE: {
    status: 401,
    message:
      "A public key (pcpk_…) can only start web calls (POST /call/web). Use a private key (pcsk_…) from your server for this route.",
  },
  PRIVATE_KEY_NOT_ALLOWED_HERE: {
    status: 401,
    message:
      "A private key must never be in a browser. Start web calls with a public key (pcpk_…) or a short-lived token with tag 'public' minted by your server.",
  },
  // Restrictions on public keys
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    message: "This key may not be used from this origin.",
  },
  ASSISTANT_NOT_ALLOWED: {
    status: 403,
    message: "This key may not start calls with this assistant.",
  },
  TRANSIENT_ASSISTANT_NOT_ALLOWED: {
    status: 403,
    message: "This key may not start calls with an inline (transient) assistant. Pass a saved assistantId instead.",
  },
  OVERRIDE_NOT_ALLOWED: {
    status: 403,
    message: "This key may not override this assistant field.",
  },
  // Resources
  ASSISTANT_NOT_FOUND: {
    status: 404,
    message: "No assistant with this ID exists.",
  },
  NOT_FOUND: {
    status: 404,
    message: "Not found.",
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    message: "No route matches this method and path.",
  },
  // Input
  VALIDATION_FAILED: {
    status: 400,
    message: "The request is not valid.",
  },
  UNKNOWN_FIELD: {
    status: 400,
    message: "The request has a field this route does not accept.",
  },
  INVALID_ORIGIN_RULE: {
    status: 400,
    message: "An origin rule is not valid.",
  },
  INVALID_JSON: {
    status: 400,
    message: "The body is not valid JSON.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: "Send the body as 'Content-Type: application/json'.",
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: "The body is larger than the 1 MB limit.",
  },
  // Faults
  INTERNAL_ERROR: {
    status: 500,
    message: "Something went wrong on our side. Retry; if it persists, report the requestId.",
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Reason phrases for the statuses the catalog uses (RFC 9110 §15). */
export const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

/**
 * True when `code` is in the catalog.
 *
 * @example
 * isErrorCode("ORIGIN_NOT_ALLOWED"); // true
 */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, code);
}

/** The documentation anchor for a code, e.g. "https://…/docs/errors.md#origin_not_allowed". */
export function errorDocsUrl(
  code: ErrorCode,
  base = "https://github.com/portcullis-dev/portcullis/blob/main/docs/errors.md",
): string {
  return `${base}#${code.toLowerCase()}`;
}
