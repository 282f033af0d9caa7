import type { DecisionInput } from "../lib/decision.ts";
import { measureSigningKey, signingKeyScenario } from "../lib/signing-key-decision.ts";

/** Child side: an ES256 client token's decision next to one raw `crypto.verify` of its signature. */
export const measure = (input: DecisionInput) => measureSigningKey(input, "ES256", 60_000);

export const decisionEs256 = signingKeyScenario("ES256", import.meta.url);
