import { readFileSync } from "node:fs";
import { addBulkKeys } from "../lib/bulk-keys.ts";
import { inChild } from "../lib/child.ts";
import { openDecider } from "../lib/decider.ts";
import { loadExpecting } from "../lib/load.ts";
import type { RunResult, Scenario } from "../lib/scenario.ts";
import { type Seed, seedDataDir, webCall } from "../lib/seed.ts";
import { startPortcullis } from "../lib/servers.ts";
import { percentile, ratio } from "../lib/stats.ts";

type Store = { seed: Seed; sampleFile: string; keys: number };
type LatencyInput = { stores: Record<string, Store>; warmup: number; measured: number };

const CHUNK = 50;

/**
 * Child side: per-decision latency (µs) on each store. "Cold" is a key's first decision (the cache
 * misses and the store is read); "warm" is the same keys again, from the cache. The stores are
 * measured in alternating chunks of keys, so noise from neighbours on this machine hits them alike.
 */
export async function measureLatency(input: LatencyInput): Promise<RunResult> {
  const { warmup, measured } = input;
  const subjects = await Promise.all(
    Object.entries(input.stores).map(async ([name, store]) => {
      const headers = readFileSync(store.sampleFile, "utf8").split("\n").filter(Boolean);
      if (headers.length < warmup + measured) throw new Error(`${name}: ${headers.length} sample keys, too few`);
      const decider = await openDecider(store.seed.dataDir, { cacheSize: warmup + measured });
      const body = { assistantId: store.seed.assistantId };
      const time = async (authorization: string) => {
        const start = process.hrtime.bigint();
        const answer = await decider.decide(authorization, store.seed.allowedOrigin, body);
        const micros = Number(process.hrtime.bigint() - start) / 1000;
        if (answer !== "allow") throw new Error(`${name}: expected allow, got ${answer}`);
        return micros;
      };
      return { name, decider, time, headers, cold: [] as number[], warm: [] as number[] };
    }),
  );
  for (const s of subjects) for (const h of s.headers.slice(0, warmup)) for (let i = 0; i < 3; i++) await s.time(h);
  for (let at = warmup; at < warmup + measured; at += CHUNK)
    for (const s of subjects) for (const h of s.headers.slice(at, at + CHUNK)) s.cold.push(await s.time(h));
  for (let pass = 0; pass < 3; pass++)
    for (let at = warmup; at < warmup + measured; at += CHUNK)
      for (const s of subjects) for (const h of s.headers.slice(at, at + CHUNK)) s.warm.push(await s.time(h));
  const out: RunResult = {};
  for (const s of subjects) {
    await s.decider.close();
    s.cold.sort((a, b) => a - b);
    s.warm.sort((a, b) => a - b);
    out[`${s.name}.coldP50`] = percentile(s.cold, 50);
    out[`${s.name}.coldP99`] = percentile(s.cold, 99);
    out[`${s.name}.warmP50`] = percentile(s.warm, 50);
    out[`${s.name}.warmP99`] = percentile(s.warm, 99);
  }
  return out;
}

/** Server RSS before and after `requests` refused-by-origin requests spread over the sample's distinct keys. */
async function rssUnderDistinctKeys(store: Store, cacheSize: number, requests: number) {
  const server = await startPortcullis(store.seed.dataDir, { PORTCULLIS_KEY_CACHE_SIZE: String(cacheSize) });
  try {
    const idle = server.rss();
    const { method, path, headers, body } = webCall(store.seed, store.seed.refusedOrigin);
    await loadExpecting(
      { url: server.url, method, path, headers, body, connections: 10, amount: requests, authFile: store.sampleFile },
      [403],
    );
    return { idle, after: server.rss() };
  } finally {
    await server.stop();
  }
}

export const scale: Scenario = {
  name: "scale",
  title: "Scale: 1 thousand against 1 million stored keys",
  description:
    "Two data directories, one with 1,000 public keys and one with 1,000,000 (bulk-inserted into the server's own schema). Decision latency is measured in-process per decision for 800 distinct keys: cold (first use: cache miss, SQLite lookup by hash) and warm (from the key cache). Then the real server, with PORTCULLIS_KEY_CACHE_SIZE=10000, receives 100,000 requests spread over 100,000 distinct keys of the large store (1,000 keys of the small one), and its RSS is read before and after (first run only; it takes two minutes): memory must follow the cache size, not the key count. Smoke: 10,000 keys, 2,000 distinct, cache 500.",
  runs: 3,
  metrics: {
    "small.coldP50": { label: "1k keys: cold decision p50", unit: "µs" },
    "large.coldP50": { label: "1M keys: cold decision p50", unit: "µs" },
    "small.coldP99": { label: "1k keys: cold decision p99", unit: "µs" },
    "large.coldP99": { label: "1M keys: cold decision p99", unit: "µs" },
    "small.warmP50": { label: "1k keys: warm decision p50", unit: "µs" },
    "large.warmP50": { label: "1M keys: warm decision p50", unit: "µs" },
    "small.warmP99": { label: "1k keys: warm decision p99", unit: "µs" },
    "large.warmP99": { label: "1M keys: warm decision p99", unit: "µs" },
    cacheSize: { label: "PORTCULLIS_KEY_CACHE_SIZE", unit: "entries" },
    distinctKeys: { label: "distinct keys used on the large store", unit: "keys" },
    "small.rssIdle": { label: "1k keys: server RSS at start (first run)", unit: "bytes" },
    "small.rssAfter": { label: "1k keys: server RSS after 100k requests on 1k keys (first run)", unit: "bytes" },
    "large.rssIdle": { label: "1M keys: server RSS at start (first run)", unit: "bytes" },
    "large.rssAfter": { label: "1M keys: server RSS after 100k requests on 100k keys (first run)", unit: "bytes" },
  },
  comparisons: [
    {
      label: "cold decision p50, 1M / 1k keys",
      of: (r) => ratio(r["large.coldP50"], r["small.coldP50"]),
      format: "times",
      target: { atMost: 1.2 },
    },
    {
      label: "warm decision p50, 1M / 1k keys",
      of: (r) => ratio(r["large.warmP50"], r["small.warmP50"]),
      format: "times",
      target: { atMost: 1.2 },
    },
    {
      label: "server RSS after use, 1M keys (100k distinct used) / 1k keys",
      of: (r) => ratio(r["large.rssAfter"], r["small.rssAfter"]),
      format: "times",
      target: { atMost: 1.5 },
      note: "our bound: memory follows the cache size, not the key count",
    },
    {
      label: "RSS growth per cache entry, 1M-key store (KiB)",
      of: (r) =>
        ((r["large.rssAfter"] ?? Number.NaN) - (r["large.rssIdle"] ?? Number.NaN)) / 1024 / (r.cacheSize ?? Number.NaN),
      format: "number",
      note: "no target",
    },
  ],
  async prepare(context) {
    const largeCount = context.smoke ? 10_000 : 1_000_000;
    const distinct = context.smoke ? 2_000 : 100_000;
    const build = async (name: string, keys: number, sample: number): Promise<Store> => {
      const seed = await seedDataDir(context.tmp, name);
      const t0 = Date.now();
      const sampleFile = addBulkKeys(seed, keys - 1, sample);
      context.log(`${name}: ${keys.toLocaleString("en-US")} keys stored in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return { seed, sampleFile, keys };
    };
    const small = await build("scale-1k", 1_000, 1_000);
    const large = await build(`scale-${largeCount / 1000}k`, largeCount, distinct);
    const cacheSize = context.smoke ? 500 : 10_000;
    const latencyInput: LatencyInput = {
      stores: { small, large },
      warmup: context.smoke ? 50 : 150,
      measured: context.smoke ? 200 : 800,
    };
    let rssMeasured = false;
    return {
      async run() {
        const latency = await inChild<RunResult>(import.meta.url, "measureLatency", latencyInput);
        const out: RunResult = { cacheSize, distinctKeys: distinct, ...latency };
        // The RSS part takes two minutes; it runs in the first run only.
        if (rssMeasured) return out;
        rssMeasured = true;
        for (const [name, store] of [
          ["small", small],
          ["large", large],
        ] as const) {
          const rss = await rssUnderDistinctKeys(store, cacheSize, distinct);
          out[`${name}.rssIdle`] = rss.idle;
          out[`${name}.rssAfter`] = rss.after;
        }
        return out;
      },
      close: async () => {},
    };
  },
};
