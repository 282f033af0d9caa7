import type { ErrorCode } from "@portcullis/core";
import { hasDuplicateKeysInUtf8 } from "./duplicate-keys.ts";

export const MAX_TOKEN_LENGTH = 8192;

export type JwtHeader = { alg?: unknown; kid?: unknown; typ?: unknown; crit?: unknown; [name: string]: unknown };
export type JwtPayload = {
  orgId?: unknown;
  token?: unknown;
  exp?: unknown;
  iat?: unknown;
  nbf?: unknown;
  aud?: unknown;
  sub?: unknown;
  jti?: unknown;
  [name: string]: unknown;
};

export type Refusal = { ok: false; code: ErrorCode; message: string };

/** A token whose shape, spelling and header were read strictly; its payload is not parsed yet. */
export type JwtParts = { ok: true; header: JwtHeader; payloadSegment: string };

/** Parsed headers by their base64url text (only valid ones are kept). */
export type HeaderCache = {
  peek(segment: string): JwtHeader | undefined;
  set(segment: string, header: JwtHeader): unknown;
};

const SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * True when base64url text (alphabet already checked) from `start` to `end` is the one canonical
 * spelling of its bytes: RFC 4648 §3.5 — no impossible length, and the bits of the last character
 * that encode no byte are zero. Computed from the last character, without re-encoding.
 */
export function isCanonicalBase64url(text: string, start = 0, end = text.length): boolean {
  const rest = (end - start) % 4;
  if (rest === 1) return false;
  if (rest === 0) return true;
  const last = ALPHABET.indexOf(text[end - 1] as string);
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** Room for any segment's bytes: base64url text decodes to fewer bytes than it has characters. */
const scratch = Buffer.allocUnsafe(MAX_TOKEN_LENGTH);

/** A segment's JSON object, refused (undefined) when it is not one or repeats a key in any object. */
function parseSegment(segment: string): Record<string, unknown> | undefined {
  const length = scratch.write(segment, "base64url");
  let value: unknown;
  try {
    value = JSON.parse(scratch.toString("utf8", 0, length));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  if (hasDuplicateKeysInUtf8(scratch, length, value)) return undefined;
  return value as Record<string, unknown>;
}

const malformed = (message: string): Refusal => ({ ok: false, code: "TOKEN_MALFORMED", message });

/**
 * Reads a compact JWS without trusting it: size and alphabet first (before any parsing), the
 * canonical base64url spelling of all three parts, then the header as JSON without duplicate keys.
 * The payload is left for `readPayload` (or for the signature library, which parses it anyway).
 * Nothing here checks the signature.
 */
export function readJwtParts(token: string, headers?: HeaderCache): JwtParts | Refusal {
  if (token.length > MAX_TOKEN_LENGTH) return malformed(`A token is at most ${MAX_TOKEN_LENGTH} characters.`);
  if (!SHAPE.test(token)) return malformed("A token is three base64url parts joined by dots, signature included.");
  const first = token.indexOf(".");
  const last = token.lastIndexOf(".");
  // Canonical base64url only (no padding, no stray bits), so one token has exactly one spelling;
  // verifiers decode leniently, so the signature's spelling is checked here too.
  if (
    !isCanonicalBase64url(token, 0, first) ||
    !isCanonicalBase64url(token, first + 1, last) ||
    !isCanonicalBase64url(token, last + 1)
  )
    return malformed("The token is not canonical base64url.");
  const h = token.slice(0, first);
  const p = token.slice(first + 1, last);
  // A backend signs every token with the same header, so its parse is reused (frozen: shared).
  let header = headers?.peek(h);
  if (!header) {
    header = parseSegment(h);
    if (!header) return malformed("The token header is not base64url JSON without duplicate keys.");
    headers?.set(h, Object.freeze(header));
  }
  return { ok: true, header, payloadSegment: p };
}

/** The payload of parts read by `readJwtParts`: a JSON object without duplicate keys. */
export function readPayload(payloadSegment: string): { ok: true; payload: JwtPayload } | Refusal {
  const payload = parseSegment(payloadSegment);
  if (!payload) return malformed("The token payload is not base64url JSON without duplicate keys.");
  return { ok: true, payload };
}

/**
 * For a payload another parser already read (the signature library): true when its text has a
 * key twice, which that parser would have accepted silently.
 */
export function payloadHasDuplicateKeys(payloadSegment: string, parsed: JwtPayload): boolean {
  const length = scratch.write(payloadSegment, "base64url");
  return hasDuplicateKeysInUtf8(scratch, length, parsed);
}
