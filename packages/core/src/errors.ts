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
  KEY_ROTATED: {
    status: 401,
    message: "This key value was rotated and its grace period is over. Use the key's new value.",
  },
  // Client tokens (JWTs)
  TOKEN_MALFORMED: {
    status: 401,
    message: "The token is not a well-formed JWT (docs/jwt.md shows the exact format).",
  },
  TOKEN_EXPIRED: {
    status: 401,
    message: "The token has expired. Ask your server for a new one.",
  },
  TOKEN_NOT_YET_VALID: {
    status: 401,
    message: "The token is not valid yet (nbf or iat is in the future). Check the signing server's clock.",
  },
  TOKEN_LIFETIME_TOO_LONG: {
    status: 401,
    message: "The token lives longer than the org allows (maxTokenTtlSeconds). Mint shorter-lived tokens.",
  },
  TOKEN_SIGNATURE_INVALID: {
    status: 401,
    message: "The token's signature does not verify with any of the org's keys.",
  },
  TOKEN_ALG_NOT_ALLOWED: {
    status: 401,
    message: "The token's algorithm is not allowed for its key (HS256 for private keys; a signing key's own alg).",
  },
  TOKEN_KEY_UNKNOWN: {
    status: 401,
    message: "The token's kid names no usable key of this org.",
  },
  TOKEN_REPLAYED: {
    status: 401,
    message: "This single-use token was already used. Mint a new token for each call.",
  },
  TOKEN_AUDIENCE_MISMATCH: {
    status: 401,
    message: "The token's aud is not this server's public URL.",
  },
  TOKEN_MISSING_ORG: {
    status: 401,
    message: "The token has no orgId claim, or names no existing org.",
  },
  TOKEN_RESTRICTIONS_INVALID: {
    status: 401,
    message: "The restrictions inside the token are not valid; the token is refused as a whole.",
  },
  // Dashboard sign-in (members and sessions)
  INVALID_CREDENTIALS: {
    status: 401,
    message: "The email or password is wrong.",
  },
  SESSION_EXPIRED: {
    status: 401,
    message: "The session has ended (signed out, revoked, or idle too long). Sign in again.",
  },
  SETUP_TOKEN_INVALID: {
    status: 401,
    message:
      "The setup link is wrong, expired, or was already used. Restart the server or run 'portcullis init' for a new one.",
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    message: "Send the session's csrfToken in the 'x-csrf-token' header with every change made from a session.",
  },
  ROLE_FORBIDDEN: {
    status: 403,
    message: "Your role does not allow this. Ask an owner or admin of the org.",
  },
  LAST_OWNER: {
    status: 409,
    message: "An org keeps at least one owner: make another member an owner first.",
  },
  // Joining a live call
  CALL_TOKEN_INVALID: {
    status: 401,
    message: "The call token is wrong or was already used. Start a new call to get a new webCallUrl.",
  },
  WEBSOCKET_UPGRADE_REQUIRED: {
    status: 426,
    message: "Join a call with a WebSocket client (the webCallUrl), not a plain HTTP request.",
  },
  CALL_TOKEN_EXPIRED: {
    status: 401,
    message: "The call token was not used within 60 seconds of starting the call. Start a new call.",
  },
  // Limits that bound the damage
  KEY_EXPIRED: {
    status: 403,
    message: "The key has passed its expiresAt. Create a new key or extend it.",
  },
  RATE_LIMITED: {
    status: 429,
    message: "Too many call starts; retry after the time in the Retry-After header.",
  },
  CONCURRENCY_LIMIT: {
    status: 429,
    message: "Too many calls are open at once for this key, user or org. End one, then retry.",
  },
  SPEND_LIMIT_REACHED: {
    status: 429,
    message: "The call minutes allowed for this period are used up.",
  },
  CHALLENGE_REQUIRED: {
    status: 403,
    message: "This key requires a proof-of-work solution: fetch GET /challenge, solve it, send it as 'challenge'.",
  },
  CHALLENGE_INVALID: {
    status: 403,
    message: "The challenge solution is wrong, expired, or was already used.",
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
  INVALID_SIGNING_KEY: {
    status: 400,
    message: "The signing key is not an accepted public JWK (ES256, EdDSA, or RS256 with at least 2048 bits).",
  },
  JWKS_FETCH_FAILED: {
    status: 400,
    message: "The JWKS URL could not be fetched or did not return a valid key set.",
  },
  CONFLICT: {
    status: 409,
    message: "The request conflicts with an existing resource.",
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
  // Live-call frames (sent as {type: "error", code, message} over the WebSocket)
  INVALID_FRAME: {
    status: 400,
    message: "The frame is not a JSON message this call understands; the call goes on.",
  },
  FRAME_TOO_LARGE: {
    status: 413,
    message: "A frame was over 64 KB; the call was ended.",
  },
  FRAME_RATE_EXCEEDED: {
    status: 429,
    message: "More than 20 frames in one second; the call was ended.",
  },
  PROVIDER_ERROR: {
    status: 502,
    message: "The assistant's model provider failed; the call was ended.",
  },
  PROVIDER_TIMEOUT: {
    status: 504,
    message: "The assistant's model provider did not answer in time; the call was ended.",
  },
  CALL_NOT_LIVE: {
    status: 409,
    message: "The call has already ended.",
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
  426: "Upgrade Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  504: "Gateway Timeout",
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
