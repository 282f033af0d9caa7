import { inChild } from "./child.ts";
import { type Decider, openDecider } from "./decider.ts";
import { alternate, rateAsync, rateSync } from "./micro.ts";
import type { Comparison, MetricInfo, RunResult, Scenario } from "./scenario.ts";
import { type Seed, seedDataDir } from "./seed.ts";
import { ratio } from "./stats.ts";
import type { FreshTokens } from "./tokens.ts";

export type DecisionInput = { seed: Seed; sliceMs: number; rounds: number };

/**
 * Child side of a decision scenario: decisions per second for one credential, in alternating
 * slices with its floor, after checking that the credential is in fact allowed. With a pool of
 * fresh tokens, every decision gets a token never seen before (and the one repeated is its first).
 */
export async function measureDecision(
  input: DecisionInput,
  credential: string | FreshTokens,
  floor: () => unknown,
  extra: (decider: Decider) => Record<string, () => Promise<number>> = () => ({}),
): Promise<RunResult> {
  const { seed, sliceMs, rounds } = input;
  const decider = await openDecider(seed.dataDir);
  const body = { assistantId: seed.assistantId };
  const next = typeof credential === "string" ? () => credential : () => credential.next("header");
  const same = typeof credential === "string" ? credential : credential.at(0, "header");
  const decide = () => decider.decide(next(), seed.allowedOrigin, body);
  const withoutStore = () => decider.decideWithoutStore(next(), seed.allowedOrigin, body);
  const repeated = () => decider.decide(same, seed.allowedOrigin, body);
  const first = await decide();
  if (first !== "allow") throw new Error(`the credential should be allowed, got ${first}`);
  const sides = {
    floor: () => rateSync(floor, sliceMs),
    decision: () => rateAsync(decide, sliceMs),
    withoutStore: () => rateAsync(withoutStore, sliceMs),
    repeated: () => rateAsync(repeated, sliceMs),
    ...extra(decider),
  };
  await alternate(sides, 1); // warm-up: JIT, key cache, SQLite page cache
  const rates = await alternate(sides, rounds);
  await decider.close();
  return typeof credential === "string" ? rates : { ...rates, mintedLate: credential.mintedLate };
}

/** Measured slices a side of `measureDecision` runs: the warm-up round plus `rounds`. */
export const slicesPerSide = (input: DecisionInput): number => input.rounds + 1;

/** The metric every fresh-token scenario reports: tokens its pool lacked, minted inside a measured slice. */
export const mintedLateMetric: MetricInfo = {
  label: "tokens minted inside a measured slice because the pool ran out (should be 0; only slows the result)",
  unit: "tokens",
};

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
