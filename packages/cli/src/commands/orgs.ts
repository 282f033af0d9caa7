import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { CliError } from "../errors.ts";
import { type DataOptions, MASTER_KEY_ENV, withData } from "../options.ts";
import { colors, print, printJson, printTable } from "../output.ts";

// The server is imported when an operator command runs, not at start: it costs about a second
// (Fastify, SQLite) that commands talking to the REST API should not pay.
const server = () => import("@portcullis/server");

/**
 * Creates an org with its first private key in the data directory and prints the key, once.
 * `portcullis init` and `portcullis orgs create` are both this.
 */
export async function createOrg(options: DataOptions & { name: string }): Promise<void> {
  const { createOrgWithKey, createSetupLink, loadConfig, openDataDir, systemClock } = await server();
  const dataDir = resolve(options.data);
  const { store, cipher, file } = await openDataDir(dataDir, process.env[MASTER_KEY_ENV]);
  try {
    const before = await store.countOrgs();
    const created = await createOrgWithKey(store, cipher, { name: options.name, at: new Date().toISOString() });
    // The dashboard's owner is created through a one-time link on the server's public URL.
    const { publicUrl } = loadConfig(process.env);
    const setupLink = await createSetupLink(store, created.org.id, publicUrl, systemClock);
    if (options.json)
      return printJson({ org: created.org, keyId: created.keyId, privateKey: created.privateKey, setupLink });
    const { bold, yellow } = colors();
    if (before > 0) print(`This data directory already has ${before} org(s); this is a new, separate one.`);
    print(`Created org "${created.org.name}" (${created.org.id}) in ${file}`);
    print();
    print(`Its first private key (${created.keyId}):`);
    print();
    print(`  ${bold(created.privateKey)}`);
    print();
    print(yellow(bold("Store it now: it is shown only this once and cannot be read back.")));
    print(yellow("Keep it on your server (a secret manager or environment variable), never in a browser."));
    print();
    print(`Dashboard: open ${setupLink} to create the org's owner (works once, for 24 hours).`);
    print();
    print("Next:");
    print("  export PORTCULLIS_API_KEY=<the key above>");
    print('  portcullis assistants create --name Support --first-message "Hi!"');
    print("  portcullis keys create --public --origin https://app.example.com --assistant <asst_id>");
  } finally {
    await store.close();
  }
}

async function listOrgs(options: DataOptions): Promise<void> {
  const { KyselyStore, openSqlite, sqlitePath } = await server();
  const file = sqlitePath(resolve(options.data));
  // Listing must not create a data directory as a side effect of a typo in --data.
  if (!existsSync(file))
    throw new CliError(`No database at ${file}. Run 'portcullis init --data ${options.data}' first.`);
  // No master key needed: listing reads no secret.
  const store = new KyselyStore(await openSqlite(file));
  try {
    const orgs = await store.listOrgs();
    const rows = await Promise.all(
      orgs.map(async (org) => ({
        id: org.id,
        name: org.name,
        createdAt: org.createdAt,
        keys: (await store.listKeys(org.id)).length,
      })),
    );
    if (options.json) return printJson(rows);
    if (rows.length === 0) return print("No orgs. Create one with 'portcullis init'.");
    printTable(rows, [
      { header: "ID", value: (org) => org.id },
      { header: "NAME", value: (org) => org.name },
      { header: "KEYS", value: (org) => String(org.keys) },
      { header: "CREATED", value: (org) => org.createdAt },
    ]);
  } finally {
    await store.close();
  }
}

/** `portcullis orgs …`: operator commands on the data directory (no server needed). */
export function registerOrgs(program: Command): void {
  const orgs = program.command("orgs").description("create and list orgs, straight in the data directory (operator)");

  withData(
    orgs
      .command("create")
      .description("create an org and print its first private key, once")
      .requiredOption("--name <name>", "the org's name")
      .option("--json", "print the org and key as JSON, for scripts"),
  ).action((options: DataOptions & { name: string }) => createOrg(options));

  withData(
    orgs.command("list").description("list orgs and how many live keys each has").option("--json", "print JSON"),
  ).action((options: DataOptions) => listOrgs(options));
}
