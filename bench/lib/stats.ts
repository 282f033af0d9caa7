/** The spread of one metric over a scenario's runs. */
export type Spread = { median: number; min: number; max: number };

/**
 * Median, min and max; the median is what targets are judged on, min and max show the noise. Runs
 * that did not measure a value (NaN) are left out; with none left, all three are NaN.
 */
export function spread(values: readonly number[]): Spread {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return { median: percentile(sorted, 50), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
}

/** The p-th percentile (nearest rank, interpolated between neighbours) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (rank - low);
}

/** a / b, or NaN when either side is missing or b is 0 (a run that could not measure one side). */
export function ratio(a: number | undefined, b: number | undefined): number {
  return a === undefined || b === undefined || b === 0 ? Number.NaN : a / b;
}
