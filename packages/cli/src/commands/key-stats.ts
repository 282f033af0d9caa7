import { type Command, Option } from "commander";
import type { KeyStats, Tally } from "../api-types.ts";
import { bar, sparkline } from "../charts.ts";
import { segment } from "../http-client.ts";
import { clientFor, type RemoteOptions, withRemote } from "../options.ts";
import { colors, print, printFields, printJson, printTable } from "../output.ts";
import { formatDuration } from "../units.ts";

const TOP = 10;
const BAR_WIDTH = 30;

const BUCKET_NAMES: Record<number, string> = { 60: "minute", 3600: "hour", 86400: "day" };
const bucketName = (seconds: number) => BUCKET_NAMES[seconds] ?? formatDuration(seconds);

const total = (t: Tally) => t.allowed + t.refused + t.wouldRefuse;

function printReasons(byReason: Record<string, number>): void {
  const rows = Object.entries(byReason).sort(([, a], [, b]) => b - a);
  print();
  print(colors().bold("Refusals by reason"));
  if (rows.length === 0) {
    print("  none");
    return;
  }
  const max = rows[0]?.[1] ?? 0;
  const width = Math.max(...rows.map(([reason]) => reason.length));
  for (const [reason, count] of rows)
    print(
      `  ${reason.padEnd(width)}  ${String(count).padStart(String(max).length)}  ${colors().red(bar(count, max, BAR_WIDTH))}`,
    );
}

function printOrigins(byOrigin: Record<string, Tally>): void {
  const rows = Object.entries(byOrigin).sort(([, a], [, b]) => total(b) - total(a));
  print();
  print(colors().bold("By origin"));
  if (rows.length === 0) {
    print("  none");
    return;
  }
  printTable(rows.slice(0, TOP), [
    { header: "  ORIGIN", value: ([origin]) => `  ${origin}` },
    { header: "ALLOWED", value: ([, t]) => String(t.allowed) },
    { header: "REFUSED", value: ([, t]) => String(t.refused) },
    { header: "WOULD REFUSE", value: ([, t]) => String(t.wouldRefuse) },
  ]);
  if (rows.length > TOP) print(`  … and ${rows.length - TOP} more origins (--json has them all)`);
}

function printBuckets(stats: KeyStats): void {
  const { dim, green, red, yellow, bold } = colors();
  const series: [string, number[], (text: string) => string][] = [
    ["allowed", stats.buckets.map((b) => b.allowed), green],
    ["refused", stats.buckets.map((b) => b.refused), red],
  ];
  if (stats.totals.wouldRefuse > 0) series.push(["would refuse", stats.buckets.map((b) => b.wouldRefuse), yellow]);
  // One scale for every line, so their heights compare.
  const peak = Math.max(0, ...series.flatMap(([, values]) => values));
  print();
  const per = bucketName(stats.bucketSeconds);
  print(bold(`Call starts per ${per}`));
  const width = Math.max(...series.map(([label]) => label.length));
  for (const [label, values, paint] of series) print(`  ${label.padEnd(width)}  ${paint(sparkline(values, peak))}`);
  print(dim(`  ${" ".repeat(width)}  ${stats.from} → now; peak ${peak} per ${per}`));
}

export function printKeyStats(stats: KeyStats): void {
  print(`${colors().bold(stats.keyId)}  last ${stats.window}`);
  printFields([
    ["allowed", String(stats.totals.allowed)],
    ["refused", String(stats.totals.refused)],
    ["would refuse", `${stats.totals.wouldRefuse}${stats.totals.wouldRefuse > 0 ? " (report-only)" : ""}`],
  ]);
  printReasons(stats.byReason);
  printOrigins(stats.byOrigin);
  printBuckets(stats);
}

/** `portcullis keys stats <id>`: allowed and refused call starts of a key, by reason, origin and time. */
export function registerKeyStats(keys: Command): void {
  withRemote(
    keys
      .command("stats")
      .description("call starts a key allowed and refused: totals, reasons, origins, and a chart over time")
      .argument("<id>", "key ID")
      .addOption(new Option("--window <window>", "how far back").choices(["1h", "24h", "7d"]).default("24h")),
  ).action(async (id: string, options: RemoteOptions & { window: string }) => {
    const path = `/token/${segment(id)}/stats?window=${encodeURIComponent(options.window)}`;
    const { data } = await clientFor(options).get<KeyStats>(path);
    if (options.json) return printJson(data);
    printKeyStats(data);
  });
}
