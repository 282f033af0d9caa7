import type { ErrorCode } from "@portcullis/core";
import { hasDuplicateKeys } from "./duplicate-keys.ts";

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

export type ReadJwt =
  | { ok: true; header: JwtHeader; payload: JwtPayload }
  | { ok: false; code: ErrorCode; message: string };

const SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * True when base64url text (alphabet already checked) is the one canonical spelling of its bytes:
 * RFC 4648 §3.5 — no impossible length, and the bits of the last character that encode no byte
 * are zero. Computed from the last character, without re-encoding.
 */
export function isCanonicalBase64url(text: string): boolean {
  const rest = text.length % 4;
  if (rest === 1) return false;
  if (rest === 0) return true;
  const last = ALPHABET.indexOf(text[text.length - 1] as string);
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

function segment(text: string): Record<string, unknown> | undefined {
  // Canonical base64url only (no padding, no stray bits), so one token has exactly one spelling.
  if (!isCanonicalBase64url(text)) return undefined;
  const bytes = Buffer.from(text, "base64url");
  const json = bytes.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  if (hasDuplicateKeys(json)) return undefined;
  return value as Record<string, unknown>;
}

/**
 * Reads a compact JWS without trusting it: size and alphabet first (before any parsing), then
 * each part as canonical base64url JSON without duplicate keys. Nothing here checks the signature.
 */
export function readJwt(token: string): ReadJwt {
  const malformed = (message: string): ReadJwt => ({ ok: false, code: "TOKEN_MALFORMED", message });
  if (token.length > MAX_TOKEN_LENGTH) return malformed(`A token is at most ${MAX_TOKEN_LENGTH} characters.`);
  if (!SHAPE.test(token)) return malformed("A token is three base64url parts joined by dots, signature included.");
  const [h, p, s] = token.split(".") as [string, string, string];
  const header = segment(h);
  if (!header) return malformed("The token header is not canonical base64url JSON without duplicate keys.");
  const payload = segment(p);
  if (!payload) return malformed("The token payload is not canonical base64url JSON without duplicate keys.");
  // Verifiers decode the signature leniently (stray trailing bits), so check its spelling here:
  // otherwise one signed token would have several accepted spellings.
  if (!isCanonicalBase64url(s)) return malformed("The token signature is not canonical base64url.");
  return { ok: true, header, payload };
}
