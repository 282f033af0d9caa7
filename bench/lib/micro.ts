/** Operations per second of a synchronous function, run in batches for about `ms` milliseconds. */
export function rateSync(fn: () => unknown, ms: number): number {
  const start = performance.now();
  let now = start;
  let ops = 0;
  while (now - start < ms) {
    for (let i = 0; i < 64; i++) fn();
    ops += 64;
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
}

/** Operations per second of an async function, awaited one at a time, for about `ms` milliseconds. */
export async function rateAsync(fn: () => Promise<unknown>, ms: number): Promise<number> {
  const start = performance.now();
  let now = start;
  let ops = 0;
  while (now - start < ms) {
    for (let i = 0; i < 64; i++) await fn();
    ops += 64;
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
}

/**
 * Measures a candidate and its floor in alternating slices, so a burst of noise from a neighbour
 * on this shared machine lands on both sides; returns each side's rate over all its slices.
 */
export async function alternate(
  sides: Record<string, () => number | Promise<number>>,
  rounds: number,
): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (let round = 0; round < rounds; round++)
    for (const [name, measure] of Object.entries(sides)) sums[name] = (sums[name] ?? 0) + (await measure());
  const out: Record<string, number> = {};
  for (const [name, sum] of Object.entries(sums)) out[name] = sum / rounds;
  return out;
}
