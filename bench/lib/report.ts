import type { Machine } from "./machine.ts";
import { type Comparison, meets, type RunResult, type Scenario } from "./scenario.ts";
import { type Spread, spread } from "./stats.ts";

export type ScenarioReport = {
  name: string;
  title: string;
  description: string;
  runs: RunResult[];
  seconds: number;
  metrics: { name: string; label: string; unit: string; spread: Spread }[];
  comparisons: {
    label: string;
    format: Comparison["format"];
    target: Comparison["target"] | null;
    note: string | null;
    spread: Spread;
    result: "PASS" | "MISS" | "info";
  }[];
  error: string | null;
};

export type Report = {
  mode: "full" | "smoke";
  startedAt: string;
  seconds: number;
  machine: Machine;
  scenarios: ScenarioReport[];
};

/** Medians, mins and maxes of a scenario's runs; each comparison is computed per run, then spread. */
export function summarize(scenario: Scenario, runs: RunResult[], seconds: number, error?: Error): ScenarioReport {
  const present = runs.length > 0;
  return {
    name: scenario.name,
    title: scenario.title,
    description: scenario.description,
    runs,
    seconds,
    metrics: present
      ? Object.entries(scenario.metrics).map(([name, info]) => ({
          name,
          ...info,
          spread: spread(runs.map((r) => r[name] ?? Number.NaN)),
        }))
      : [],
    comparisons: present
      ? scenario.comparisons.map((c) => {
          const s = spread(runs.map(c.of));
          const ok = meets(s.median, c.target);
          return {
            label: c.label,
            format: c.format,
            target: c.target ?? null,
            note: c.note ?? null,
            spread: s,
            result: ok === undefined ? "info" : ok ? "PASS" : "MISS",
          };
        })
      : [],
    error: error ? error.message : null,
  };
}

function number(value: number, unit = ""): string {
  if (!Number.isFinite(value)) return "n/a";
  if (unit === "bytes") return (value / 2 ** 20).toFixed(1);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function formatted(value: number, format: Comparison["format"]): string {
  if (!Number.isFinite(value)) return "n/a";
  if (format === "percent") return `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`;
  if (format === "times") return `${value.toFixed(2)}x`;
  return number(value);
}

function target(c: ScenarioReport["comparisons"][number]): string {
  if (!c.target) return "—";
  const [op, v] = "atLeast" in c.target ? ["≥", c.target.atLeast] : ["≤", c.target.atMost];
  return `${op} ${formatted(v, c.format)}`;
}

/** The report as Markdown: machine facts, then a metrics table and a comparisons table per scenario. */
export function toMarkdown(report: Report): string {
  const m = report.machine;
  const lines = [
    `# Portcullis benchmark results${report.mode === "smoke" ? " (smoke: one short run each, not for reading)" : ""}`,
    "",
    `Measured ${report.startedAt} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}, commit ${m.commit}; 1-minute load average at start ${m.loadAverage}. The whole suite took ${Math.round(report.seconds)} s.`,
    "",
    "Every ratio is computed inside one run (both sides measured minutes apart at most, on the same machine), then summarized over the runs: median (judged against the target), min and max. See bench/README.md for what each scenario does.",
  ];
  for (const s of report.scenarios) {
    lines.push(
      "",
      `## ${s.title}`,
      "",
      `\`${s.name}\` — ${s.runs.length} run(s), ${Math.round(s.seconds)} s. ${s.description}`,
    );
    if (s.error) lines.push("", `**Failed to run:** ${s.error.replaceAll("\n", " ")}`);
    if (s.comparisons.length > 0) {
      lines.push("", "| comparison | target | median | min | max | result |", "|---|---|---|---|---|---|");
      for (const c of s.comparisons)
        lines.push(
          `| ${c.label}${c.note ? ` (${c.note})` : ""} | ${target(c)} | ${formatted(c.spread.median, c.format)} | ${formatted(c.spread.min, c.format)} | ${formatted(c.spread.max, c.format)} | ${c.result === "info" ? "info" : `**${c.result}**`} |`,
        );
    }
    if (s.metrics.length > 0) {
      lines.push("", "| metric | unit | median | min | max |", "|---|---|---|---|---|");
      for (const x of s.metrics)
        lines.push(
          `| ${x.label} | ${x.unit === "bytes" ? "MiB" : x.unit} | ${number(x.spread.median, x.unit)} | ${number(x.spread.min, x.unit)} | ${number(x.spread.max, x.unit)} |`,
        );
    }
  }
  return `${lines.join("\n")}\n`;
}
