import { createChallenge, verifySolution } from "altcha-lib/v1";
import type { Clock } from "./clock.ts";

/** How long a challenge may be solved and used. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** The puzzle's search space: a browser solves it in well under a second, a script pays per call. */
export const CHALLENGE_MAX_NUMBER = 50_000;

export type ChallengeCheck = { ok: true; id: string; expiresAtMs: number } | { ok: false };

/**
 * Proof-of-work challenges (the ALTCHA v1 scheme, from altcha-lib): the server signs a puzzle with an
 * HMAC key; the browser finds the number; the server verifies the signature, the answer and the
 * expiry. Single use is enforced by the caller with the returned `id`.
 */
export function createChallenges(hmacKey: string, clock: Clock) {
  return {
    issue() {
      return createChallenge({
        hmacKey,
        algorithm: "SHA-256",
        maxnumber: CHALLENGE_MAX_NUMBER,
        expires: new Date(clock.now() + CHALLENGE_TTL_MS),
      });
    },
    async check(solution: string): Promise<ChallengeCheck> {
      let payload: { signature?: unknown; salt?: unknown };
      try {
        payload = JSON.parse(Buffer.from(solution, "base64").toString("utf8"));
      } catch {
        return { ok: false };
      }
      if (typeof payload?.signature !== "string" || typeof payload.salt !== "string") return { ok: false };
      const expires = Number(new URLSearchParams(payload.salt.split("?")[1] ?? "").get("expires")) * 1000;
      // altcha-lib checks expiry against the wall clock; ours may be a test clock, so check it here too.
      if (!Number.isFinite(expires) || expires <= clock.now()) return { ok: false };
      try {
        if (!(await verifySolution(solution, hmacKey, false))) return { ok: false };
      } catch {
        return { ok: false };
      }
      return { ok: true, id: `challenge:${payload.signature}`, expiresAtMs: expires };
    },
  };
}

export type Challenges = ReturnType<typeof createChallenges>;
