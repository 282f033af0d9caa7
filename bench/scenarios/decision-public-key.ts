import { createHash } from "node:crypto";
import { type DecisionInput, decisionScenario, measureDecision } from "../lib/decision.ts";

/** Child side: the public key's decision next to one SHA-256 of the key. */
export function measure(input: DecisionInput) {
  const key = input.seed.publicKey;
  return measureDecision(input, `Bearer ${key}`, () => createHash("sha256").update(key).digest());
}

export const decisionPublicKey = decisionScenario({
  name: "decision-public-key",
  title: "Decision floor: public key + origin + assistant rule (warm cache)",
  description:
    "In-process, no HTTP: authorization decisions per second for a public key restricted to one origin and one assistant, with the key cache warm, next to the floor of one SHA-256 of the key (the least a hashed-key lookup can cost).",
  moduleUrl: import.meta.url,
  floorLabel: "one SHA-256 of the key",
  target: 0.5,
});
