import type { Scenario } from "../lib/scenario.ts";
import { seedDataDir, webCall } from "../lib/seed.ts";
import { serverGroup, startPortcullis, startServer } from "../lib/servers.ts";
import { lengths, loadTargets, type Target, targetMetrics, throughputShare } from "../lib/targets.ts";
import { mintHs256 } from "../lib/tokens.ts";

const labels = {
  ceiling: "bare node:http hello world (ceiling)",
  health: "GET /health",
  refused: "POST /call/web, public key, refused by origin (403)",
  allowed: "POST /call/web, public key, allowed (201, call created)",
  refusedHs256: "POST /call/web, HS256 token, refused by origin (403)",
  allowedHs256: "POST /call/web, HS256 token, allowed (201, call created)",
};
const ids = Object.keys(labels) as (keyof typeof labels)[];

export const http: Scenario = {
  name: "http",
  title: "HTTP: Portcullis against the bare node:http ceiling",
  description:
    "Each server runs in its own process and autocannon in another, on 127.0.0.1 with 10 connections, one target after the other for a fixed time (4 s) after an untimed warm-up. The ceiling is a node:http server answering 'hello world', measured in the same run.",
  runs: 3,
  metrics: targetMetrics(ids.map((id) => ({ id, label: labels[id] }))),
  comparisons: [
    throughputShare(`${labels.refused} / ceiling`, "refused", "ceiling", 0.6),
    throughputShare(`${labels.allowed} / ceiling`, "allowed", "ceiling", 0.3),
    throughputShare(`${labels.refusedHs256} / ceiling`, "refusedHs256", "ceiling", 0.6),
    throughputShare(`${labels.allowedHs256} / ceiling`, "allowedHs256", "ceiling", 0.3),
    throughputShare(`${labels.health} / ceiling`, "health", "ceiling"),
  ],
  async prepare(context) {
    const seed = await seedDataDir(context.tmp, "http");
    const servers = serverGroup();
    try {
      const hello = await servers.add(startServer("bench/baselines/hello-http.ts", {}));
      const server = await servers.add(startPortcullis(seed.dataDir));
      const token = `Bearer ${mintHs256(seed)}`;
      const at = server.url;
      const targets: Target[] = [
        { id: "ceiling", label: labels.ceiling, url: hello.url, request: { path: "/" }, expect: [200] },
        { id: "health", label: labels.health, url: at, request: { path: "/health" }, expect: [200] },
        { id: "refused", label: labels.refused, url: at, request: webCall(seed, seed.refusedOrigin), expect: [403] },
        { id: "allowed", label: labels.allowed, url: at, request: webCall(seed, seed.allowedOrigin), expect: [201] },
        {
          id: "refusedHs256",
          label: labels.refusedHs256,
          url: at,
          request: webCall(seed, seed.refusedOrigin, token),
          expect: [403],
        },
        {
          id: "allowedHs256",
          label: labels.allowedHs256,
          url: at,
          request: webCall(seed, seed.allowedOrigin, token),
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
