import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KyselyStore } from "../../src/storage/kysely-store.ts";
import { openSqlite } from "../../src/storage/sqlite/open-sqlite.ts";
import type { Store } from "../../src/storage/store.ts";
import { storeContract } from "./contract.ts";

/** Scratch databases go under the repository's .tmp/ (git-ignored), one directory per test. */
const SCRATCH = fileURLToPath(new URL("../../../../.tmp/store-contract/", import.meta.url));

storeContract("SQLite in memory", async () => {
  const store = new KyselyStore(await openSqlite(":memory:"));
  return { store, close: () => store.close() };
});

// A file in WAL mode, as the server runs it: several connections (processes) may share it.
storeContract("SQLite file (WAL)", async () => {
  const dir = join(SCRATCH, randomBytes(6).toString("hex"));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "portcullis.sqlite");
  const opened: Store[] = [new KyselyStore(await openSqlite(file))];
  return {
    store: opened[0] as Store,
    async openPeer() {
      const peer = new KyselyStore(await openSqlite(file));
      opened.push(peer);
      return peer;
    },
    async close() {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
