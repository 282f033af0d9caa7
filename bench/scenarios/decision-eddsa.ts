import type { DecisionInput } from "../lib/decision.ts";
import { measureSigningKey, signingKeyScenario } from "../lib/signing-key-decision.ts";

/** Child side: an EdDSA (Ed25519) client token's decision next to one raw `crypto.verify` of its signature. */
export const measure = (input: DecisionInput) => measureSigningKey(input, "EdDSA", 40_000);

export const decisionEddsa = signingKeyScenario("EdDSA", import.meta.url);
