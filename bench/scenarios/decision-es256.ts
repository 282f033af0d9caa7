import { createPrivateKey, createPublicKey, verify } from "node:crypto";
import { type DecisionInput, decisionScenario, measureDecision } from "../lib/decision.ts";
import { FRESH_POOL, mintEs256 } from "../lib/tokens.ts";

/** Child side: an ES256 client token's decision next to one raw `crypto.verify` of its signature. */
export function measure(input: DecisionInput) {
  const token = mintEs256(input.seed);
  const dot = token.lastIndexOf(".");
  const signed = Buffer.from(token.slice(0, dot));
  const signature = Buffer.from(token.slice(dot + 1), "base64url");
  const key = createPublicKey(createPrivateKey({ key: input.seed.es256PrivateJwk, format: "jwk" }));
  const floor = () => verify("sha256", signed, { key, dsaEncoding: "ieee-p1363" }, signature);
  if (!floor()) throw new Error("the ES256 floor does not verify its own token");
  const pool = Array.from({ length: FRESH_POOL }, (_, n) => `Bearer ${n === 0 ? token : mintEs256(input.seed, n)}`);
  return measureDecision(input, pool, floor);
}

export const decisionEs256 = decisionScenario({
  name: "decision-es256",
  title: "Decision floor: ES256 client token",
  description:
    "In-process, no HTTP: decisions per second for a public-tag client token signed ES256 with the org's registered signing key (kid set), next to the floor of one raw crypto.verify of its signature with an already imported key. Judged on 12,000 distinct tokens in turn (every decision verifies afresh); the same token repeated is shown for reference.",
  moduleUrl: import.meta.url,
  floorLabel: "one crypto.verify (ES256)",
  target: 0.5,
  decisionLabel: "decision, whole, a token never seen before each time (as POST /call/web makes it)",
});
