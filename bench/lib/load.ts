import type { LoadResult, LoadSpec } from "../load/spec.ts";
import { runTsForJson } from "./child.ts";

export type { LoadResult, LoadSpec };

/** A load and the only answers that are right for it. */
export type Expected = { spec: LoadSpec; statuses: number[] };

/**
 * Runs loads one after the other in one separate autocannon process against 127.0.0.1, and checks
 * that every answer has an expected status: a benchmark of the wrong answer (a 401 from a bad seed
 * instead of the 403 meant) would be worse than none.
 */
export async function loadInTurn(loads: Expected[]): Promise<LoadResult[]> {
  for (const { spec } of loads)
    if (!/^http:\/\/127\.0\.0\.1:/.test(spec.url)) throw new Error(`load only targets 127.0.0.1, not ${spec.url}`);
  const results = await runTsForJson<LoadResult[]>(
    "bench/load/autocannon-worker.ts",
    loads.map((l) => l.spec),
  );
  results.forEach((result, i) => {
    const { spec, statuses } = loads[i] as Expected;
    const wrong = Object.keys(result.statuses).filter((status) => !statuses.includes(Number(status)));
    if (result.total === 0 || wrong.length > 0 || result.errors > 0)
      throw new Error(
        `${spec.method ?? "GET"} ${spec.path}: expected only ${statuses.join("/")}, got ${JSON.stringify(result.statuses)}, ${result.errors} errors`,
      );
  });
  return results;
}

/** One checked load in its own autocannon process. */
export async function loadExpecting(spec: LoadSpec, statuses: number[]): Promise<LoadResult> {
  const [result] = await loadInTurn([{ spec, statuses }]);
  return result as LoadResult;
}
