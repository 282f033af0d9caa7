import { inChild } from "./child.ts";
import { type Decider, openDecider } from "./decider.ts";
import { alternate, rateAsync, rateSync } from "./micro.ts";
import type { Comparison, MetricInfo, RunResult, Scenario } from "./scenario.ts";
import { type Seed, seedDataDir } from "./seed.ts";
import { ratio } from "./stats.ts";

export type DecisionInput = { seed: Seed; sliceMs: number; rounds: number };

/**
 * Child side of a decision scenario: decisions per second for one credential, in alternating
 * slices with its floor, after checking that the credential is in fact allowed.
 */
export async function measureDecision(
  input: DecisionInput,
  authorization: string | readonly string[],
  floor: () => unknown,
  extra: (decider: Decider, pick: () => string) => Record<string, () => Promise<number>> = () => ({}),
): Promise<RunResult> {
  const { seed, sliceMs, rounds } = input;
  const decider = await openDecider(seed.dataDir);
  const body = { assistantId: seed.assistantId };
  // A pool of distinct tokens, larger than the verified-token cache, makes every decision verify
  // its token afresh: the honest cost of a new token. One repeated token is measured beside it.
  const pool = typeof authorization === "string" ? [authorization] : authorization;
  let next = 0;
  const pick = () => pool[next++ % pool.length] as string;
  const decide = () => decider.decide(pick(), seed.allowedOrigin, body);
  const withoutStore = () => decider.decideWithoutStore(pick(), seed.allowedOrigin, body);
  const repeated = () => decider.decide(pool[0] as string, seed.allowedOrigin, body);
  const first = await decide();
  if (first !== "allow") throw new Error(`the credential should be allowed, got ${first}`);
  const sides = {
    floor: () => rateSync(floor, sliceMs),
    decision: () => rateAsync(decide, sliceMs),
    withoutStore: () => rateAsync(withoutStore, sliceMs),
    repeated: () => rateAsync(repeated, sliceMs),
    ...extra(decider, pick),
  };
  await alternate(sides, 1); // warm-up: JIT, key cache, SQLite page cache
  const rates = await alternate(sides, rounds);
  await decider.close();
  return rates;
}

/**
 * A scenario "decisions per second next to their floor". Each run measures in a fresh process
 * (`measure` exported by `moduleUrl`), so runs do not share JIT or cache state.
 */
export function decisionScenario(definition: {
  name: string;
  title: string;
  description: string;
  moduleUrl: string;
  floorLabel: string;
  /** The judged "decision / floor" target; `undefined` when another comparison carries the target. */
  target: number | undefined;
  decisionLabel?: string;
  /** Metrics measured besides the four every decision scenario has, and their comparisons. */
  extraMetrics?: Record<string, MetricInfo>;
  extraComparisons?: Comparison[];
}): Scenario {
  return {
    name: definition.name,
    title: definition.title,
    description: definition.description,
    runs: 3,
    metrics: {
      floor: { label: `floor: ${definition.floorLabel}`, unit: "ops/s" },
      decision: { label: definition.decisionLabel ?? "decision, whole (as POST /call/web makes it)", unit: "ops/s" },
      withoutStore: { label: "decision without the assistant lookup", unit: "ops/s" },
      repeated: { label: "decision, the same credential every time (warm caches)", unit: "ops/s" },
      ...definition.extraMetrics,
    },
    comparisons: [
      {
        label: "decision / floor",
        of: (r) => ratio(r.decision, r.floor),
        format: "percent",
        ...(definition.target === undefined
          ? { note: "the whole decision; the target is on the row that names it" }
          : { target: { atLeast: definition.target } }),
      },
      ...(definition.extraComparisons ?? []),
      {
        label: "decision without store query / floor",
        of: (r) => ratio(r.withoutStore, r.floor),
        format: "percent",
        note: "where the time goes; no target",
      },
      {
        label: "same credential every time / floor",
        of: (r) => ratio(r.repeated, r.floor),
        format: "percent",
        note: "warm caches; no target",
      },
    ],
    async prepare(context) {
      const seed = await seedDataDir(context.tmp, definition.name);
      const input: DecisionInput = { seed, sliceMs: context.smoke ? 100 : 500, rounds: context.smoke ? 1 : 2 };
      return {
        run: () => inChild<RunResult>(definition.moduleUrl, "measure", input),
        close: async () => {},
      };
    },
  };
}
