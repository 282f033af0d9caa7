/** What one run of a scenario measured: metric name → value (units are declared by the scenario). */
export type RunResult = Record<string, number>;

export type MetricInfo = { label: string; unit: string };

/**
 * A ratio (or other derived value) computed inside one run, so both sides of it saw the same machine
 * load. Its median over the runs is judged against the target.
 */
export type Comparison = {
  label: string;
  of: (run: RunResult) => number;
  format: "percent" | "times" | "number";
  target?: { atLeast: number } | { atMost: number };
  /** Where the target comes from when it is not the benchmark issue's own. */
  note?: string;
};

export type Context = {
  smoke: boolean;
  /** A scratch directory removed when the suite ends. */
  tmp: string;
  log: (message: string) => void;
};

/** A prepared scenario: servers started, data seeded. `run` is called once per run. */
export type Session = { run: () => Promise<RunResult>; close: () => Promise<void> };

export type Scenario = {
  name: string;
  title: string;
  /** One paragraph for the report: what is measured and against what. */
  description: string;
  /** Runs in a full bench (smoke always runs once). */
  runs: number;
  metrics: Record<string, MetricInfo>;
  comparisons: Comparison[];
  prepare: (context: Context) => Promise<Session>;
};

/** Whether a measured value meets its target; `undefined` when the comparison is informative only. */
export function meets(value: number, target: Comparison["target"]): boolean | undefined {
  if (!target) return undefined;
  return "atLeast" in target ? value >= target.atLeast : value <= target.atMost;
}
