import type { FastifyInstance } from "fastify";
import { createApp } from "./app.ts";
import { InstanceLease } from "./calls/instance-lease.ts";
import { loadConfig } from "./config/config.ts";
import { systemClock } from "./domain/clock.ts";
import { createSetupLink } from "./domain/members.ts";
import { openDataDir } from "./open-data-dir.ts";

export type StartServerOptions = {
  /**
   * The settings, as environment variables (docs/configuration.md). `main.ts` passes
   * `process.env`; `portcullis serve` passes it with its flags and its bundled dashboard added.
   * Nothing else is read from the environment.
   */
  env: Record<string, string | undefined>;
  /** Where the lines for the operator go: the address, hints, setup links. Default: console.log. */
  print?: (line: string) => void;
};

export type RunningServer = {
  app: FastifyInstance;
  /** Where it listens, with the real port when PORT is 0. */
  url: string;
  /** Stops listening, then closes the database. */
  close(): Promise<void>;
};

/**
 * Starts Portcullis as `npm start` does: reads the settings from `env`, opens the data directory,
 * joins the instances sharing it and settles the calls a crashed one left open, listens, and prints where, with a one-time setup link for
 * each org that has no dashboard owner yet. A bad setting throws a ConfigError naming it.
 *
 * @example
 * const server = await startServer({ env: { ...process.env, PORT: "0" } });
 * server.url; // "http://127.0.0.1:53127"
 * await server.close();
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { env, print = console.log } = options;
  const config = loadConfig(env);
  const { store, cipher, file, sqlite, challengeKey, webhookKey } = await openDataDir(config.dataDir, config.masterKey);
  const app = await createApp({
    store,
    cipher,
    config,
    logger: { level: config.logLevel },
    challengeKey,
    webhookKey,
    trustProxy: config.trustProxy,
    ...(config.dashboardDir && { dashboardDir: config.dashboardDir }),
    ...(config.rateLimitStore === "sqlite" && { sqlite }),
  });
  // This process joins the instances sharing the database. Calls of instances that are gone (a
  // crash) are recorded as ended and their holds settled; calls of live ones are left alone.
  const lease = new InstanceLease({
    store,
    clock: systemClock,
    runtime: app.calls,
    logger: app.log,
    heartbeatMs: config.instanceHeartbeatMs,
    leaseMs: config.instanceLeaseMs,
  });
  await lease.start();
  await app.listen({ port: config.port, host: config.host });

  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  print(`Portcullis listening on ${url} (data: ${file})`);
  if ((await store.countOrgs()) === 0) {
    print(
      [
        "",
        "No org exists yet. Create one and print its first private key (shown once):",
        `  npx portcullis init --data ${config.dataDir}`,
        "",
      ].join("\n"),
    );
  }
  // Until an org has its owner, each start prints a fresh one-time link to create it.
  // With PORT=0 and no PORTCULLIS_PUBLIC_URL, the default public URL names port 0: use the real one.
  const linkBase = env.PORTCULLIS_PUBLIC_URL || config.port !== 0 ? config.publicUrl : `http://localhost:${port}`;
  for (const org of await store.listOrgs()) {
    if ((await store.countMembers(org.id)) > 0) continue;
    const link = await createSetupLink(store, org.id, linkBase, systemClock);
    print(`Org ${org.name} (${org.id}) has no dashboard owner yet.`);
    print(`Open ${link} to create the owner (the link works once, for 24 hours).`);
  }

  return {
    app,
    url,
    async close() {
      await app.close();
      await lease.stop();
      await store.close();
    },
  };
}

/**
 * Closes `server` and exits 0 on the first SIGINT or SIGTERM: the end of `npm start` and of
 * `portcullis serve`. Only a process that is nothing but the server should call it.
 *
 * @example
 * exitOnSignals(await startServer({ env: process.env }));
 */
export function exitOnSignals(server: RunningServer): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    server.app.log.info({ signal }, "shutting down");
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}
