import { createHmac } from "node:crypto";
import { createVerifier } from "fast-jwt";
import { type DecisionInput, decisionScenario, measureDecision } from "../lib/decision.ts";
import { rateAsync, rateSync } from "../lib/micro.ts";
import { ratio } from "../lib/stats.ts";
import { FRESH_POOL, mintHs256 } from "../lib/tokens.ts";

/**
 * Child side: an HS256 client token's decision next to one HMAC-SHA256 of the token; beside it,
 * the token's verification alone (what issue 3 bounds) and fast-jwt alone (the library's own cost).
 */
export function measure(input: DecisionInput) {
  const token = mintHs256(input.seed);
  const signed = token.slice(0, token.lastIndexOf("."));
  const secret = input.seed.privateKey;
  const pool = Array.from({ length: FRESH_POOL }, (_, n) => `Bearer ${n === 0 ? token : mintHs256(input.seed, n)}`);
  const library = createVerifier({
    key: secret,
    algorithms: ["HS256"],
    ignoreExpiration: true,
    ignoreNotBefore: true,
    cache: false,
  });
  return measureDecision(
    input,
    pool,
    () => createHmac("sha256", secret).update(signed).digest(),
    (decider, pick) => {
      const verify = async () => {
        const outcome = await decider.verifyToken(pick().slice("Bearer ".length));
        if (outcome !== "ok") throw new Error(`the token should verify, got ${outcome}`);
      };
      return {
        verification: () => rateAsync(verify, input.sliceMs),
        library: async () => rateSync(() => library(pick().slice("Bearer ".length)), input.sliceMs),
      };
    },
  );
}

export const decisionHs256 = decisionScenario({
  name: "decision-hs256",
  title: "Decision floor: HS256 client token",
  description:
    "In-process, no HTTP: a public-tag client token signed HS256 with the org's private key (kid set), carrying an origin and an assistant rule, next to the floor of one HMAC-SHA256 over the token's signed part. Issue 3 bounds the token's verification (strict reading, key choice, signature, claims, the restrictions inside) at 4x that floor, so that row carries the target; the whole decision (plus the credential reader, the rules and the assistant lookup) and fast-jwt alone (the signature library's own decode and verify, with nothing of Portcullis) are shown beside it. Judged on 12,000 distinct tokens in turn, more than the verified-token cache holds, so every one verifies afresh; the same token repeated is shown for reference.",
  moduleUrl: import.meta.url,
  floorLabel: "one HMAC-SHA256 of the token",
  target: undefined,
  decisionLabel: "decision, whole, a token never seen before each time (as POST /call/web makes it)",
  extraMetrics: {
    verification: { label: "verification only, a token never seen before each time", unit: "ops/s" },
    library: { label: "fast-jwt verify alone (no Portcullis)", unit: "ops/s" },
  },
  extraComparisons: [
    {
      label: "verification / floor (issue 3: within 4x of one HMAC)",
      of: (r) => ratio(r.verification, r.floor),
      format: "percent",
      target: { atLeast: 0.25 },
    },
    {
      label: "fast-jwt alone / floor",
      of: (r) => ratio(r.library, r.floor),
      format: "percent",
      note: "the signature library's own share; no target",
    },
  ],
});
