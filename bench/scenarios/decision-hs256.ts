import { createHmac } from "node:crypto";
import { createVerifier } from "fast-jwt";
import {
  type DecisionInput,
  decisionScenario,
  measureDecision,
  mintedLateMetric,
  slicesPerSide,
} from "../lib/decision.ts";
import { rateAsync, rateSync } from "../lib/micro.ts";
import { ratio } from "../lib/stats.ts";
import { FreshTokens, hs256Minter } from "../lib/tokens.ts";

/** Most tokens per second any side drawing fresh tokens could take here (decision, without store, verification), with room. */
const MAX_DRAW_PER_SECOND = 500_000;

/**
 * Child side: an HS256 client token's decision next to one HMAC-SHA256 of the token; beside it,
 * the token's verification alone (what issue 3 bounds) and fast-jwt alone (the library's own cost).
 */
export function measure(input: DecisionInput) {
  const tokens = new FreshTokens(
    hs256Minter(input.seed),
    FreshTokens.sizeFor(slicesPerSide(input), input.sliceMs, MAX_DRAW_PER_SECOND),
  );
  const token = tokens.at(0, "token");
  const signed = token.slice(0, token.lastIndexOf("."));
  const secret = input.seed.privateKey;
  const library = createVerifier({
    key: secret,
    algorithms: ["HS256"],
    ignoreExpiration: true,
    ignoreNotBefore: true,
    cache: false,
  });
  let replayed = 0;
  return measureDecision(
    input,
    tokens,
    () => createHmac("sha256", secret).update(signed).digest(),
    (decider) => {
      const verify = async () => {
        const outcome = await decider.verifyToken(tokens.next("token"));
        if (outcome !== "ok") throw new Error(`the token should verify, got ${outcome}`);
      };
      return {
        verification: () => rateAsync(verify, input.sliceMs),
        // fast-jwt caches nothing here, so its row may replay the pool.
        library: async () => rateSync(() => library(tokens.at(replayed++ % tokens.size, "token")), input.sliceMs),
      };
    },
  );
}

export const decisionHs256 = decisionScenario({
  name: "decision-hs256",
  title: "Decision floor: HS256 client token",
  description:
    "In-process, no HTTP: a public-tag client token signed HS256 with the org's private key (kid set), carrying an origin and an assistant rule, next to the floor of one HMAC-SHA256 over the token's signed part. Issue 3 bounds the token's verification (strict reading, key choice, signature, claims, the restrictions inside) at 4x that floor, so that row carries the target; the whole decision (plus the credential reader, the rules and the assistant lookup) and fast-jwt alone (the signature library's own decode and verify, with nothing of Portcullis) are shown beside it. Judged on tokens never seen before, one per verification (the server caches a token only the second time it verifies, so a pool cycled through would measure the cache), each a new string as a request header would be; the same token repeated is shown for reference.",
  moduleUrl: import.meta.url,
  floorLabel: "one HMAC-SHA256 of the token",
  target: undefined,
  decisionLabel: "decision, whole, a token never seen before each time (as POST /call/web makes it)",
  extraMetrics: {
    verification: { label: "verification only, a token never seen before each time", unit: "ops/s" },
    library: { label: "fast-jwt verify alone (no Portcullis)", unit: "ops/s" },
    mintedLate: mintedLateMetric,
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
