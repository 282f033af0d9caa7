import type { Scenario } from "../lib/scenario.ts";
import { seedDataDir, webCall } from "../lib/seed.ts";
import { serverGroup, startPortcullis, startServer } from "../lib/servers.ts";
import { ratio } from "../lib/stats.ts";
import { lengths, loadTargets, type Target, targetMetrics } from "../lib/targets.ts";

const labels = {
  portcullisRefused: "Portcullis, refused by origin (403)",
  usualRefused: "Express stack, refused by origin (403)",
  portcullisAllowed: "Portcullis, allowed (201)",
  usualAllowed: "Express stack, allowed (201)",
};
const ids = Object.keys(labels) as (keyof typeof labels)[];

function times(label: string, ours: string, theirs: string) {
  return {
    label,
    of: (r: Record<string, number>) => ratio(r[`${ours}.rps`], r[`${theirs}.rps`]),
    format: "times" as const,
    target: { atLeast: 2 },
  };
}

export const baseline: Scenario = {
  name: "baseline",
  title: "The usual stack: Portcullis against Express + cors + jsonwebtoken + SQLite",
  description:
    "bench/baselines/express-stack.ts implements the same POST /call/web by hand (hash the key, look it up in SQLite on every request, check the origin list and the assistant, insert the call row) on its own copy of the same seeded data. Both run in their own processes, loaded alternately by autocannon (10 connections, 4 s each) in the same run.",
  runs: 3,
  metrics: targetMetrics(ids.map((id) => ({ id, label: labels[id] }))),
  comparisons: [
    times("Portcullis / Express stack, refused by origin", "portcullisRefused", "usualRefused"),
    times("Portcullis / Express stack, allowed", "portcullisAllowed", "usualAllowed"),
  ],
  async prepare(context) {
    const ours = await seedDataDir(context.tmp, "baseline-portcullis");
    const theirs = await seedDataDir(context.tmp, "baseline-express");
    const servers = serverGroup();
    try {
      const portcullis = await servers.add(startPortcullis(ours.dataDir));
      const express = await servers.add(
        startServer("bench/baselines/express-stack.ts", {
          PORTCULLIS_DATA_DIR: theirs.dataDir,
          BASELINE_JWT_SECRET: theirs.privateKey,
        }),
      );
      const p = portcullis.url;
      const e = express.url;
      const targets: Target[] = [
        {
          id: "portcullisRefused",
          label: labels.portcullisRefused,
          url: p,
          request: webCall(ours, ours.refusedOrigin),
          expect: [403],
        },
        {
          id: "usualRefused",
          label: labels.usualRefused,
          url: e,
          request: webCall(theirs, theirs.refusedOrigin),
          expect: [403],
        },
        {
          id: "portcullisAllowed",
          label: labels.portcullisAllowed,
          url: p,
          request: webCall(ours, ours.allowedOrigin),
          expect: [201],
        },
        {
          id: "usualAllowed",
          label: labels.usualAllowed,
          url: e,
          request: webCall(theirs, theirs.allowedOrigin),
          expect: [201],
        },
      ];
      const { warmup, run } = lengths(context.smoke);
      if (warmup) await loadTargets(targets, warmup);
      return { run: () => loadTargets(targets, run), close: servers.stopAll };
    } catch (error) {
      await servers.stopAll();
      throw error;
    }
  },
};
