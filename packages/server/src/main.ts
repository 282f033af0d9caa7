import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config/config.ts";
import { systemClock } from "./domain/clock.ts";
import { createSetupLink } from "./domain/members.ts";
import { rebuildConcurrency } from "./limits/call-admission.ts";
import { openDataDir } from "./open-data-dir.ts";

/** The only place that reads the environment, opens files and listens. */
async function main(): Promise<void> {
  const dataFlag = process.argv.indexOf("--data");
  const env = { ...process.env };
  if (dataFlag > 0 && process.argv[dataFlag + 1]) env.PORTCULLIS_DATA_DIR = process.argv[dataFlag + 1];
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
    ...(config.rateLimitStore === "sqlite" && { sqlite }),
  });
  // Calls left live by a crash are recorded as ended; queued ones get their join timers back;
  // concurrent-call counters are rebuilt from the calls that are really open.
  await app.calls.reconcile();
  await rebuildConcurrency(store);
  await app.listen({ port: config.port, host: config.host });

  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  console.log(`Portcullis listening on http://${config.host}:${port} (data: ${file})`);
  if ((await store.countOrgs()) === 0) {
    console.log(
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
    console.log(`Org ${org.name} (${org.id}) has no dashboard owner yet.`);
    console.log(`Open ${link} to create the owner (the link works once, for 24 hours).`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down");
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
