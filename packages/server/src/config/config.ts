import { statSync } from "node:fs";
import { resolve } from "node:path";

/** One environment variable: its name, default, what it means and how to read it. */
type Setting<T> = {
  env: string;
  default: string | undefined;
  description: string;
  parse: (raw: string) => T;
};

function integer(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw new Error(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

function directory(raw: string): string {
  const path = resolve(raw);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory())
    throw new Error(`expected an existing directory (${path} is none)`);
  return path;
}

function url(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Error("expected an absolute http(s) URL such as https://api.example.com");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("expected an http or https URL");
  return parsed.origin + parsed.pathname.replace(/\/$/, "");
}

/**
 * Every setting the server reads, with its default. `docs/configuration.md` is generated from this
 * table, so a setting documented nowhere cannot exist.
 */
export const SETTINGS = {
  port: {
    env: "PORT",
    default: "8787",
    description: "TCP port the server listens on.",
    parse: integer(0, 65535),
  } satisfies Setting<number>,
  host: {
    env: "HOST",
    default: "127.0.0.1",
    description: "Interface to listen on. Use 0.0.0.0 to accept connections from other machines (e.g. in a container).",
    parse: (raw: string) => raw,
  } satisfies Setting<string>,
  dataDir: {
    env: "PORTCULLIS_DATA_DIR",
    default: "./data",
    description: "Directory for the SQLite database and the generated master key file.",
    parse: (raw: string) => resolve(raw),
  } satisfies Setting<string>,
  dashboardDir: {
    env: "PORTCULLIS_DASHBOARD_DIR",
    default: undefined,
    description:
      "Directory of the built dashboard served at /dashboard/. Default: packages/dashboard/dist, where `npm run build -w @portcullis/dashboard` writes it; the published CLI's `portcullis serve` uses the dashboard it ships.",
    parse: directory,
  } satisfies Setting<string>,
  publicUrl: {
    env: "PORTCULLIS_PUBLIC_URL",
    default: undefined,
    description: "The URL clients reach the server at; used to build webCallUrl. Default: http://localhost:<PORT>.",
    parse: url,
  } satisfies Setting<string>,
  masterKey: {
    env: "PORTCULLIS_MASTER_KEY",
    default: undefined,
    description:
      "32-byte key (64 hex characters or base64) that encrypts stored key values. Default: read or create <data dir>/master.key (mode 0600).",
    parse: (raw: string) => raw,
  } satisfies Setting<string>,
  keyCacheSize: {
    env: "PORTCULLIS_KEY_CACHE_SIZE",
    default: "10000",
    description: "How many resolved keys are kept in memory. Unknown keys are cached separately, as many.",
    parse: integer(1, 10_000_000),
  } satisfies Setting<number>,
  keyCacheTtlSeconds: {
    env: "PORTCULLIS_KEY_CACHE_TTL_SECONDS",
    default: "30",
    description:
      "How long a resolved key is trusted before it is read again. Changes made through this server apply at once; this bounds how late another process sees them.",
    parse: integer(0, 3600),
  } satisfies Setting<number>,
  trustProxy: {
    env: "PORTCULLIS_TRUST_PROXY",
    default: "false",
    description:
      "Behind a reverse proxy, take the client IP (for per-IP rate limits and the audit log) from X-Forwarded-For: true (trust every proxy), or a comma-separated list of proxy addresses/CIDRs (e.g. 127.0.0.1,10.0.0.0/8). Never true when clients reach the server directly: they could claim any IP.",
    parse: (raw: string): boolean | string => {
      if (raw === "true") return true;
      if (raw === "false") return false;
      if (/^[0-9a-fA-F.:/, ]+$/.test(raw)) return raw;
      throw new Error("expected true, false, or proxy addresses such as 127.0.0.1,10.0.0.0/8");
    },
  } satisfies Setting<boolean | string>,
  rateLimitStore: {
    env: "PORTCULLIS_RATE_LIMIT_STORE",
    default: "sqlite",
    description:
      "Where rate-limit counters live: sqlite (shared by every process using the data directory) or memory (this process only, faster).",
    parse: (raw: string) => {
      if (raw !== "sqlite" && raw !== "memory") throw new Error("expected sqlite or memory");
      return raw;
    },
  } satisfies Setting<"sqlite" | "memory">,
  instanceHeartbeatMs: {
    env: "PORTCULLIS_INSTANCE_HEARTBEAT_MS",
    default: "5000",
    description:
      "How often (milliseconds) each server process renews its heartbeat in the database and ends the live calls of processes that are gone (docs/deployment.md, several processes).",
    parse: integer(10, 600_000),
  } satisfies Setting<number>,
  instanceLeaseMs: {
    env: "PORTCULLIS_INSTANCE_LEASE_MS",
    default: "20000",
    description:
      "How long (milliseconds) a server process may go without a heartbeat before another one ends its live calls as server-shutdown and frees their limits. At least twice PORTCULLIS_INSTANCE_HEARTBEAT_MS; on one host a crashed process is noticed at the next heartbeat instead.",
    parse: integer(20, 3_600_000),
  } satisfies Setting<number>,
  logLevel: {
    env: "LOG_LEVEL",
    default: "info",
    description: "fatal, error, warn, info, debug, trace or silent.",
    parse: (raw: string) => {
      if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(raw))
        throw new Error("expected fatal, error, warn, info, debug, trace or silent");
      return raw;
    },
  } satisfies Setting<string>,
} as const;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: ReturnType<Settings[K]["parse"]> } & { publicUrl: string };

export class ConfigError extends Error {}

/**
 * Reads the configuration once, at start. A bad value stops start-up with a message naming the
 * variable and what was expected.
 */
export function loadConfig(env: Record<string, string | undefined>, overrides: Partial<Config> = {}): Config {
  const out: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [keyof Settings, Setting<unknown>][]) {
    const raw = env[setting.env] ?? setting.default;
    if (raw === undefined || raw === "") continue;
    try {
      out[name] = setting.parse(raw);
    } catch (error) {
      throw new ConfigError(`${setting.env}=${JSON.stringify(raw)}: ${(error as Error).message}`);
    }
  }
  const merged = { ...out, ...overrides } as Config;
  // A lease shorter than two heartbeats would end the calls of a process that is only a little late.
  if (merged.instanceLeaseMs < 2 * merged.instanceHeartbeatMs)
    throw new ConfigError(
      `${SETTINGS.instanceLeaseMs.env}=${JSON.stringify(String(merged.instanceLeaseMs))}: expected at least twice ${SETTINGS.instanceHeartbeatMs.env} (${2 * merged.instanceHeartbeatMs})`,
    );
  merged.publicUrl ??= `http://localhost:${merged.port}`;
  return merged;
}
