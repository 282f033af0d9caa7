import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { generateKeyValue } from "@portcullis/core";
import { snapshot } from "../lib/db-snapshot.ts";
import { type LoadSpec, loadExpecting } from "../lib/load.ts";
import type { RunResult, Scenario } from "../lib/scenario.ts";
import { seedDataDir, seedOrg, webCall } from "../lib/seed.ts";
import { startPortcullis } from "../lib/servers.ts";
import { ratio } from "../lib/stats.ts";

/**
 * Refused traffic at full speed: half the requests present the attacked org's real public key from
 * a wrong origin (a leaked key used elsewhere), half present well-formed keys that do not exist (a
 * guessing script), so both the origin rule and the negative cache are under fire.
 */
function floodAuthFile(dir: string, publicKey: string, unknownKeys: number): string {
  const lines: string[] = [];
  for (let i = 0; i < unknownKeys; i++) lines.push(`Bearer ${publicKey}`, `Bearer ${generateKeyValue("public")}`);
  const file = join(dir, "flood-keys.txt");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

export const attack: Scenario = {
  name: "attack",
  title: "Under attack: refused requests at full speed beside a trickle of allowed ones",
  description:
    "One server with its defaults and two orgs. Allowed requests of the second org (2 connections, 50 req/s) are measured alone for 5 s, then for 30 s beside a flood of refused requests from another autocannon process (20 connections, as fast as answered; half the first org's public key from a wrong origin, half 20,000 distinct unknown keys). Rows are counted in every table from a read-only connection before the flood and 6 s after it (after the 5 s flushes of aggregated counters); rows of the allowed org are left out, so what remains is what the refusals wrote, whatever their table. Also: bytes the server wrote to disk (/proc/<pid>/io) and its RSS. Smoke: 1 s and 2 s.",
  runs: 3,
  metrics: {
    "quiet.p50": { label: "allowed p50, alone", unit: "ms" },
    "quiet.p99": { label: "allowed p99, alone", unit: "ms" },
    "attack.p50": { label: "allowed p50, during the flood", unit: "ms" },
    "attack.p99": { label: "allowed p99, during the flood", unit: "ms" },
    "flood.rps": { label: "refused requests answered per second", unit: "req/s" },
    "flood.total": { label: "refused requests answered", unit: "requests" },
    "attack.rows": { label: "rows added during the flood, all tables", unit: "rows" },
    "attack.refusalRows": { label: "of which not the allowed org's: written for refusals", unit: "rows" },
    "quiet.diskRate": { label: "disk writes by the server, allowed alone", unit: "KiB/s" },
    "attack.diskRate": { label: "disk writes by the server, during the flood", unit: "KiB/s" },
    rssBefore: { label: "server RSS before the flood", unit: "bytes" },
    rssAfter: { label: "server RSS after the flood", unit: "bytes" },
  },
  comparisons: [
    {
      label: "rows written per 1,000 refused requests",
      of: (r) => (1000 * (r["attack.refusalRows"] ?? Number.NaN)) / (r["flood.total"] ?? Number.NaN),
      format: "number",
      target: { atMost: 10 },
      note: "our bound: refusals are counted in aggregates and a capped sample, not a row each",
    },
    {
      label: "disk write rate during the flood / allowed alone",
      of: (r) => ratio(r["attack.diskRate"], r["quiet.diskRate"]),
      format: "times",
      note: "no target",
    },
    {
      label: "allowed p99 during the flood / alone",
      of: (r) => ratio(r["attack.p99"], r["quiet.p99"]),
      format: "times",
      note: "no target",
    },
    {
      label: "server RSS after / before the flood",
      of: (r) => ratio(r.rssAfter, r.rssBefore),
      format: "times",
      note: "no target",
    },
  ],
  async prepare(context) {
    const attacked = await seedDataDir(context.tmp, "attack");
    const customer = await seedOrg(attacked.dataDir);
    const authFile = floodAuthFile(attacked.dataDir, attacked.publicKey, context.smoke ? 2_000 : 20_000);
    const server = await startPortcullis(attacked.dataDir);
    const allowed = (durationSec: number): LoadSpec => ({
      url: server.url,
      ...webCall(customer, customer.allowedOrigin),
      connections: 2,
      overallRate: 50,
      durationSec,
    });
    const flood: LoadSpec = {
      url: server.url,
      ...webCall(attacked, attacked.refusedOrigin),
      connections: 20,
      authFile,
      durationSec: context.smoke ? 2 : 30,
    };
    const settleMs = context.smoke ? 0 : 6_000;
    const snap = () => snapshot(attacked.dataDir, server.pid, customer.orgId);
    return {
      async run() {
        const s0 = snap();
        const t0 = Date.now();
        const quiet = await loadExpecting(allowed(context.smoke ? 1 : 5), [201]);
        const s1 = snap();
        const t1 = Date.now();
        const rssBefore = server.rss();
        const [refused, during] = await Promise.all([
          loadExpecting(flood, [401, 403, 429]),
          loadExpecting(allowed(flood.durationSec ?? 30), [201]),
        ]);
        await sleep(settleMs);
        const s2 = snap();
        const t2 = Date.now();
        const byTable: RunResult = {};
        for (const [table, n] of Object.entries(s2.rowsByTable)) {
          const added = n - (s1.rowsByTable[table] ?? 0);
          if (added !== 0) byTable[`rows.${table}`] = added;
        }
        context.log(`rows added during the flood: ${JSON.stringify(byTable)}`);
        return {
          "quiet.p50": quiet.p50,
          "quiet.p99": quiet.p99,
          "attack.p50": during.p50,
          "attack.p99": during.p99,
          "flood.rps": refused.rps,
          "flood.total": refused.total,
          "attack.rows": s2.rows - s1.rows,
          "attack.refusalRows": s2.rows - s1.rows - (s2.orgRows - s1.orgRows),
          "quiet.diskRate": (s1.diskWrites - s0.diskWrites) / 1024 / ((t1 - t0) / 1000),
          "attack.diskRate": (s2.diskWrites - s1.diskWrites) / 1024 / ((t2 - t1) / 1000),
          rssBefore,
          rssAfter: server.rss(),
          ...byTable,
        };
      },
      close: () => server.stop(),
    };
  },
};
