/**
 * Every code the Portcullis server answers with (its error catalog, `docs/errors.md`). Listed here
 * rather than imported so the SDK has no runtime dependency; a test keeps the list in step with
 * the catalog.
 */
export const CATALOG_CODES = [
  "MISSING_CREDENTIAL",
  "INVALID_KEY",
  "KEY_DISABLED",
  "KEY_REVOKED",
  "PRIVATE_KEY_REQUIRED",
  "PUBLIC_KEY_NOT_ALLOWED_HERE",
  "PRIVATE_KEY_NOT_ALLOWED_HERE",
  "KEY_ROTATED",
  "TOKEN_MALFORMED",
  "TOKEN_EXPIRED",
  "TOKEN_NOT_YET_VALID",
  "TOKEN_LIFETIME_TOO_LONG",
  "TOKEN_SIGNATURE_INVALID",
  "TOKEN_ALG_NOT_ALLOWED",
  "TOKEN_KEY_UNKNOWN",
  "TOKEN_REPLAYED",
  "TOKEN_AUDIENCE_MISMATCH",
  "TOKEN_MISSING_ORG",
  "TOKEN_RESTRICTIONS_INVALID",
  "INVALID_CREDENTIALS",
  "SESSION_EXPIRED",
  "SETUP_TOKEN_INVALID",
  "CSRF_TOKEN_INVALID",
  "ROLE_FORBIDDEN",
  "LAST_OWNER",
  "CALL_TOKEN_INVALID",
  "WEBSOCKET_UPGRADE_REQUIRED",
  "CALL_TOKEN_EXPIRED",
  "KEY_EXPIRED",
  "RATE_LIMITED",
  "CONCURRENCY_LIMIT",
  "SPEND_LIMIT_REACHED",
  "CHALLENGE_REQUIRED",
  "CHALLENGE_INVALID",
  "ORIGIN_NOT_ALLOWED",
  "ASSISTANT_NOT_ALLOWED",
  "TRANSIENT_ASSISTANT_NOT_ALLOWED",
  "OVERRIDE_NOT_ALLOWED",
  "ASSISTANT_NOT_FOUND",
  "NOT_FOUND",
  "ROUTE_NOT_FOUND",
  "VALIDATION_FAILED",
  "UNKNOWN_FIELD",
  "INVALID_SIGNING_KEY",
  "JWKS_FETCH_FAILED",
  "CONFLICT",
  "INVALID_ORIGIN_RULE",
  "INVALID_JSON",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "INVALID_FRAME",
  "FRAME_TOO_LARGE",
  "FRAME_RATE_EXCEEDED",
  "PROVIDER_ERROR",
  "PROVIDER_TIMEOUT",
  "CALL_NOT_LIVE",
  "INTERNAL_ERROR",
] as const;

/** A code from the server's error catalog. */
export type CatalogCode = (typeof CATALOG_CODES)[number];

/**
 * Codes the SDK raises itself, before or instead of a server answer:
 * - `PRIVATE_KEY_IN_BROWSER`: a private key (`pcsk_…`) or a private-tag token was given to the browser SDK.
 * - `NETWORK_ERROR`: `fetch` failed (offline, DNS, or a CORS failure the browser hides).
 * - `UNEXPECTED_RESPONSE`: the server answered something that is not a Portcullis answer (e.g. a proxy's HTML page).
 * - `TOKEN_UNAVAILABLE`: your `getToken` threw or returned something that is not a string.
 * - `CHALLENGE_UNSOLVED`: the proof-of-work challenge had no solution in its range.
 * - `CONNECTION_FAILED`: the call's WebSocket could not be opened (e.g. the join was refused).
 * - `CONNECTION_LOST`: the call's WebSocket closed before the server ended the call.
 */
export type SdkCode =
  | "PRIVATE_KEY_IN_BROWSER"
  | "NETWORK_ERROR"
  | "UNEXPECTED_RESPONSE"
  | "TOKEN_UNAVAILABLE"
  | "CHALLENGE_UNSOLVED"
  | "CONNECTION_FAILED"
  | "CONNECTION_LOST";

/** Every code a {@link PortcullisError} is known to carry. */
export type KnownCode = CatalogCode | SdkCode;
