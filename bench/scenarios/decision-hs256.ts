import { createHmac } from "node:crypto";
import { type DecisionInput, decisionScenario, measureDecision } from "../lib/decision.ts";
import { FRESH_POOL, mintHs256 } from "../lib/tokens.ts";

/** Child side: an HS256 client token's decision next to one HMAC-SHA256 of the token. */
export function measure(input: DecisionInput) {
  const token = mintHs256(input.seed);
  const signed = token.slice(0, token.lastIndexOf("."));
  const secret = input.seed.privateKey;
  const pool = Array.from({ length: FRESH_POOL }, (_, n) => `Bearer ${n === 0 ? token : mintHs256(input.seed, n)}`);
  return measureDecision(input, pool, () => createHmac("sha256", secret).update(signed).digest());
}

export const decisionHs256 = decisionScenario({
  name: "decision-hs256",
  title: "Decision floor: HS256 client token",
  description:
    "In-process, no HTTP: decisions per second for a public-tag client token signed HS256 with the org's private key (kid set), carrying an origin and an assistant rule, next to the floor of one HMAC-SHA256 over the token's signed part. Judged on 12,000 distinct tokens in turn, more than the verified-token cache holds, so every decision verifies afresh; the same token repeated is shown for reference.",
  moduleUrl: import.meta.url,
  floorLabel: "one HMAC-SHA256 of the token",
  target: 0.25,
  decisionLabel: "decision, whole, a token never seen before each time (as POST /call/web makes it)",
});
