import { type Cipher, createCipher } from "./secrets/cipher.ts";
import { loadMasterKey } from "./secrets/master-key.ts";
import { KyselyStore } from "./storage/kysely-store.ts";
import { openSqlite, sqlitePath } from "./storage/sqlite/open-sqlite.ts";
import type { Store } from "./storage/store.ts";

/**
 * Opens a data directory as the server and the CLI's operator commands both see it: the SQLite
 * database (migrated) and the master key.
 */
export async function openDataDir(
  dataDir: string,
  masterKey: string | undefined,
): Promise<{ store: Store; cipher: Cipher; file: string }> {
  const cipher = createCipher(loadMasterKey(dataDir, masterKey));
  const file = sqlitePath(dataDir);
  const store = new KyselyStore(await openSqlite(file));
  return { store, cipher, file };
}
