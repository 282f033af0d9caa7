import { createPrivateKey, createPublicKey, verify } from "node:crypto";
import {
  type DecisionInput,
  decisionScenario,
  measureDecision,
  mintedLateMetric,
  slicesPerSide,
} from "../lib/decision.ts";
import { es256Minter, FreshTokens } from "../lib/tokens.ts";

/** Most ES256 tokens per second the two sides drawing fresh tokens could take here, with room. */
const MAX_DRAW_PER_SECOND = 60_000;

/** Child side: an ES256 client token's decision next to one raw `crypto.verify` of its signature. */
export function measure(input: DecisionInput) {
  const tokens = new FreshTokens(
    es256Minter(input.seed),
    FreshTokens.sizeFor(slicesPerSide(input), input.sliceMs, MAX_DRAW_PER_SECOND),
  );
  const token = tokens.at(0, "token");
  const dot = token.lastIndexOf(".");
  const signed = Buffer.from(token.slice(0, dot));
  const signature = Buffer.from(token.slice(dot + 1), "base64url");
  const key = createPublicKey(createPrivateKey({ key: input.seed.es256PrivateJwk, format: "jwk" }));
  const floor = () => verify("sha256", signed, { key, dsaEncoding: "ieee-p1363" }, signature);
  if (!floor()) throw new Error("the ES256 floor does not verify its own token");
  return measureDecision(input, tokens, floor);
}

export const decisionEs256 = decisionScenario({
  name: "decision-es256",
  title: "Decision floor: ES256 client token",
  description:
    "In-process, no HTTP: decisions per second for a public-tag client token signed ES256 with the org's registered signing key (kid set), next to the floor of one raw crypto.verify of its signature with an already imported key. Judged on tokens never seen before, one per decision, each a new string as a request header would be; the same token repeated is shown for reference.",
  moduleUrl: import.meta.url,
  floorLabel: "one crypto.verify (ES256)",
  target: 0.5,
  decisionLabel: "decision, whole, a token never seen before each time (as POST /call/web makes it)",
  extraMetrics: { mintedLate: mintedLateMetric },
});
