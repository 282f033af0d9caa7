import type { ErrorCode } from "@portcullis/core";
import type { JwtPayload } from "./read-jwt.ts";

/** Seconds a signer's clock may run ahead of ours for `nbf` and `iat`. */
export const CLOCK_LEEWAY_SECONDS = 30;

export type TimeCheck = { ok: true; expiresAtMs: number } | { ok: false; code: ErrorCode; message?: string };

const isTime = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

/**
 * RFC 8725 §3.10-style time rules: `exp` required and in the future; `nbf`/`iat` not beyond the
 * leeway in the future; the lifetime (`exp - iat`, or `exp - now` without `iat`) within the org's cap.
 */
export function checkTimes(payload: JwtPayload, nowMs: number, maxTtlSeconds: number): TimeCheck {
  const now = nowMs / 1000;
  const { exp, iat, nbf } = payload;
  if (exp === undefined)
    return { ok: false, code: "TOKEN_MALFORMED", message: "The token has no exp claim; every token must expire." };
  if (!isTime(exp))
    return { ok: false, code: "TOKEN_MALFORMED", message: "exp must be a number of seconds since the epoch." };
  if (iat !== undefined && !isTime(iat))
    return { ok: false, code: "TOKEN_MALFORMED", message: "iat must be a number of seconds since the epoch." };
  if (nbf !== undefined && !isTime(nbf))
    return { ok: false, code: "TOKEN_MALFORMED", message: "nbf must be a number of seconds since the epoch." };
  if (exp <= now) return { ok: false, code: "TOKEN_EXPIRED" };
  if (
    (nbf !== undefined && nbf > now + CLOCK_LEEWAY_SECONDS) ||
    (iat !== undefined && iat > now + CLOCK_LEEWAY_SECONDS)
  )
    return { ok: false, code: "TOKEN_NOT_YET_VALID" };
  const lifetime = exp - (iat ?? now);
  if (lifetime > maxTtlSeconds)
    return {
      ok: false,
      code: "TOKEN_LIFETIME_TOO_LONG",
      message: `The token lives ${Math.round(lifetime)} s; this org allows at most ${maxTtlSeconds} s (maxTokenTtlSeconds).`,
    };
  return { ok: true, expiresAtMs: exp * 1000 };
}

/** `aud`, when present, must name this server's public URL (a string or a list containing it). */
export function audienceMatches(aud: unknown, publicUrl: string): boolean {
  if (aud === undefined) return true;
  if (typeof aud === "string") return aud === publicUrl;
  return Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === "string") && aud.includes(publicUrl);
}
