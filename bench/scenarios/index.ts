import type { Scenario } from "../lib/scenario.ts";
import { attack } from "./attack.ts";
import { baseline } from "./baseline.ts";
import { decisionEddsa } from "./decision-eddsa.ts";
import { decisionEs256 } from "./decision-es256.ts";
import { decisionHs256 } from "./decision-hs256.ts";
import { decisionPublicKey } from "./decision-public-key.ts";
import { http } from "./http.ts";
import { scale } from "./scale.ts";

/** Every scenario, in the order the suite runs them (in-process first, then over HTTP). */
export const SCENARIOS: Scenario[] = [
  decisionPublicKey,
  decisionHs256,
  decisionEs256,
  decisionEddsa,
  http,
  baseline,
  scale,
  attack,
];
