import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { percentile } from "../lib/stats.ts";
import type { LoadResult, LoadSpec } from "./spec.ts";

/** One autocannon load, summarized; response times are kept here at sub-millisecond precision. */
async function run(spec: LoadSpec): Promise<LoadResult> {
  const auths = spec.authFile ? readFileSync(spec.authFile, "utf8").split("\n").filter(Boolean) : [];
  let next = 0;
  const options: autocannon.Options = {
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount === undefined ? { duration: spec.durationSec ?? 5 } : { amount: spec.amount }),
    ...(spec.overallRate !== undefined && { overallRate: spec.overallRate }),
    requests: [
      {
        method: spec.method ?? "GET",
        path: spec.path,
        headers: spec.headers ?? {},
        ...(spec.body !== undefined && { body: spec.body }),
        ...(auths.length > 0 && {
          setupRequest: (request: autocannon.Request) => {
            const authorization = auths[next++ % auths.length] as string;
            return { ...request, headers: { ...request.headers, authorization } };
          },
        }),
      },
    ],
  };

  // autocannon's own histogram keeps whole milliseconds; a fast server answers in less than one.
  const times: number[] = [];
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: Error | null, done: autocannon.Result) =>
      error ? reject(error) : resolve(done),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);

  const statuses: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = stats.count ?? 0;
  return {
    rps: result.requests.total / seconds,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    total: result.requests.total,
    durationSec: seconds,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Runs the given loads one after the other from this process (not the orchestrator's). */
const specs = JSON.parse(process.argv[2] ?? "[]") as LoadSpec[];
const results: LoadResult[] = [];
for (const spec of specs) results.push(await run(spec));
process.stdout.write(`${JSON.stringify(results)}\n`);
