import { type LoadResult, type LoadSpec, loadInTurn } from "./load.ts";
import type { Comparison, MetricInfo, RunResult } from "./scenario.ts";
import { ratio } from "./stats.ts";

/** One thing to load over HTTP: which server, which request, which answers are right. */
export type Target = {
  id: string;
  label: string;
  url: string;
  request: Omit<LoadSpec, "url" | "connections">;
  expect: number[];
};

export const CONNECTIONS = 10;

/** Requests/s and p50/p99 latency metrics for each target. */
export function targetMetrics(targets: Pick<Target, "id" | "label">[]): Record<string, MetricInfo> {
  const metrics: Record<string, MetricInfo> = {};
  for (const t of targets) {
    metrics[`${t.id}.rps`] = { label: `${t.label}: throughput`, unit: "req/s" };
    metrics[`${t.id}.p50`] = { label: `${t.label}: p50 latency`, unit: "ms" };
    metrics[`${t.id}.p99`] = { label: `${t.label}: p99 latency`, unit: "ms" };
  }
  return metrics;
}

/** How long each target is loaded: a time, or a number of requests (autocannon ends those on a 1 s tick). */
export type Length = { durationSec: number } | { amount: number };

/** Loads each target in turn, from one autocannon process, and keeps throughput and latency. */
export async function loadTargets(targets: Target[], length: Length): Promise<RunResult> {
  const results = await loadInTurn(
    targets.map((t) => ({
      spec: { url: t.url, connections: CONNECTIONS, ...length, ...t.request },
      statuses: t.expect,
    })),
  );
  const out: RunResult = {};
  targets.forEach((t, i) => {
    const result = results[i] as LoadResult;
    out[`${t.id}.rps`] = result.rps;
    out[`${t.id}.p50`] = result.p50;
    out[`${t.id}.p99`] = result.p99;
  });
  return out;
}

/** Lengths for a scenario's runs, with an untimed warm-up first (JIT, caches, SQLite pages). */
export function lengths(smoke: boolean): { warmup: Length | undefined; run: Length } {
  return smoke ? { warmup: undefined, run: { durationSec: 1 } } : { warmup: { amount: 3000 }, run: { durationSec: 4 } };
}

/** Throughput of target `id` as a share of target `of` (the ceiling), measured in the same run. */
export function throughputShare(label: string, id: string, of: string, atLeast?: number): Comparison {
  return {
    label,
    of: (r) => ratio(r[`${id}.rps`], r[`${of}.rps`]),
    format: "percent",
    ...(atLeast === undefined ? { note: "no target" } : { target: { atLeast } }),
  };
}
