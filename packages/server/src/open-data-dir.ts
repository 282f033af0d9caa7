import { createHmac } from "node:crypto";
import type SqliteDatabase from "better-sqlite3";
import { type Cipher, createCipher } from "./secrets/cipher.ts";
import { loadMasterKey } from "./secrets/master-key.ts";
import { KyselyStore } from "./storage/kysely-store.ts";
import { openSqliteDatabase, sqlitePath } from "./storage/sqlite/open-sqlite.ts";
import type { Store } from "./storage/store.ts";

/**
 * Opens a data directory as the server and the CLI's operator commands both see it: the SQLite
 * database (migrated) and the master key.
 */
export async function openDataDir(
  dataDir: string,
  masterKey: string | undefined,
): Promise<{
  store: Store;
  cipher: Cipher;
  file: string;
  sqlite: SqliteDatabase.Database;
  challengeKey: string;
  webhookKey: string;
}> {
  const key = loadMasterKey(dataDir, masterKey);
  const file = sqlitePath(dataDir);
  const { db, sqlite } = await openSqliteDatabase(file);
  // Every process on this data directory derives the same challenge key, so a puzzle issued by one
  // verifies on another; it reveals nothing about the master key (HMAC is one-way).
  const challengeKey = createHmac("sha256", key).update("portcullis:challenge-hmac").digest("hex");
  const webhookKey = createHmac("sha256", key).update("portcullis:webhook-hmac").digest("hex");
  return { store: new KyselyStore(db), cipher: createCipher(key), file, sqlite, challengeKey, webhookKey };
}
