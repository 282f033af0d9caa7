import { createPublicKey, verify } from "node:crypto";
import { type DecisionInput, decisionScenario, measureDecision, mintedLateMetric, slicesPerSide } from "./decision.ts";
import type { RunResult, Scenario } from "./scenario.ts";
import { FreshTokens, type SigningAlg, signedMinter, signingPrivateKey } from "./tokens.ts";

/**
 * Child side of a signing-key scenario: decisions for a client token signed with one of the org's
 * registered signing keys, next to one raw `crypto.verify` of its signature with an imported key.
 * `maxDrawPerSecond` bounds how many fresh tokens the measured sides could take (it sizes the pool).
 */
export function measureSigningKey(input: DecisionInput, alg: SigningAlg, maxDrawPerSecond: number): Promise<RunResult> {
  const tokens = new FreshTokens(
    signedMinter(input.seed, alg),
    FreshTokens.sizeFor(slicesPerSide(input), input.sliceMs, maxDrawPerSecond),
  );
  const token = tokens.at(0, "token");
  const dot = token.lastIndexOf(".");
  const signed = Buffer.from(token.slice(0, dot));
  const signature = Buffer.from(token.slice(dot + 1), "base64url");
  const key = createPublicKey(signingPrivateKey(input.seed, alg));
  const digest = alg === "ES256" ? "sha256" : null;
  const floor = () => verify(digest, signed, { key, dsaEncoding: "ieee-p1363" }, signature);
  if (!floor()) throw new Error(`the ${alg} floor does not verify its own token`);
  return measureDecision(input, tokens, floor);
}

/** The scenario for one signing-key algorithm; issue 3 bounds it within 2x of the raw verify. */
export function signingKeyScenario(alg: SigningAlg, moduleUrl: string): Scenario {
  return decisionScenario({
    name: `decision-${alg.toLowerCase()}`,
    title: `Decision floor: ${alg} client token`,
    description: `In-process, no HTTP: decisions per second for a public-tag client token signed ${alg} with the org's registered signing key (kid set), next to the floor of one raw crypto.verify of its signature with an already imported key. Judged on tokens never seen before, one per decision, each a new string as a request header would be; the same token repeated is shown for reference.`,
    moduleUrl,
    floorLabel: `one crypto.verify (${alg})`,
    target: 0.5,
    decisionLabel: "decision, whole, a token never seen before each time (as POST /call/web makes it)",
    extraMetrics: { mintedLate: mintedLateMetric },
  });
}
