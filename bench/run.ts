import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { killAll, ROOT } from "./lib/child.ts";
import { describeMachine } from "./lib/machine.ts";
import { type Report, type ScenarioReport, summarize, toMarkdown } from "./lib/report.ts";
import type { Context, RunResult, Scenario } from "./lib/scenario.ts";
import { SCENARIOS } from "./scenarios/index.ts";

const { values } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    only: { type: "string", multiple: true },
    runs: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`npm run bench [-- --only <name-or-prefix>]... [--runs N]
npm run bench:smoke    one short run of each scenario; writes bench/results/smoke.*
Scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  process.exit(0);
}

const smoke = values.smoke ?? false;
const only = values.only ?? [];
const selected = SCENARIOS.filter((s) => only.length === 0 || only.some((o) => s.name.startsWith(o)));
if (selected.length === 0) {
  console.error(`No scenario matches ${only.join(", ")}. Scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), "portcullis-bench-"));
const cleanUp = () => {
  killAll();
  rmSync(tmp, { recursive: true, force: true });
};
process.on("SIGINT", () => {
  cleanUp();
  process.exit(130);
});

const context: Context = { smoke, tmp, log: (message) => console.log(`  ${message}`) };
const started = Date.now();
const machine = describeMachine();
const reports: ScenarioReport[] = [];

/** Prepares a scenario, runs it `runs` times, and always closes what it started. */
async function runScenario(scenario: Scenario): Promise<ScenarioReport> {
  const runs = smoke ? 1 : Number(values.runs ?? scenario.runs);
  const t0 = Date.now();
  const results: RunResult[] = [];
  console.log(`${scenario.name}: ${runs} run(s)`);
  try {
    const session = await scenario.prepare(context);
    try {
      for (let i = 0; i < runs; i++) {
        const result = await session.run();
        results.push(result);
        context.log(
          `run ${i + 1}: ${JSON.stringify(result, (_k, v) => (typeof v === "number" ? Number(v.toPrecision(4)) : v))}`,
        );
      }
    } finally {
      await session.close();
    }
    return summarize(scenario, results, (Date.now() - t0) / 1000);
  } catch (error) {
    console.error(`${scenario.name} failed: ${(error as Error).stack ?? error}`);
    return summarize(scenario, results, (Date.now() - t0) / 1000, error as Error);
  }
}

try {
  for (const scenario of selected) {
    const report = await runScenario(scenario);
    reports.push(report);
    for (const c of report.comparisons) context.log(`${c.label}: median ${c.spread.median.toPrecision(3)} ${c.result}`);
  }
} finally {
  cleanUp();
}

const report: Report = {
  mode: smoke ? "smoke" : "full",
  startedAt: new Date(started).toISOString(),
  seconds: (Date.now() - started) / 1000,
  machine,
  scenarios: reports,
};
const name = smoke ? "smoke" : only.length > 0 || values.runs ? "partial" : "latest";
const dir = join(ROOT, "bench", "results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(dir, `${name}.md`), toMarkdown(report));
console.log(`Wrote bench/results/${name}.md and ${name}.json in ${Math.round(report.seconds)} s.`);

// A missed target is a result, not a failure; only a scenario that could not run fails the command.
const failed = reports.filter((r) => r.error !== null);
if (failed.length > 0) {
  console.error(`Failed to run: ${failed.map((r) => r.name).join(", ")}`);
  process.exit(1);
}
