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

function segment(text: string): Record<string, unknown> | undefined {
  const bytes = Buffer.from(text, "base64url");
  // Canonical base64url only: the same bytes must encode back to the same text (no padding,
  // no stray bits), so one token has exactly one spelling.
  if (bytes.toString("base64url") !== text) return undefined;
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
  if (Buffer.from(s, "base64url").toString("base64url") !== s)
    return malformed("The token signature is not canonical base64url.");
  return { ok: true, header, payload };
}
