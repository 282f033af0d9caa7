import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { displayPrefix, generateKeyValue, hashKeyValue } from "@portcullis/core";
import { sqlitePath } from "@portcullis/server";
import Database from "better-sqlite3";
import type { Seed } from "./seed.ts";

/**
 * Adds `count` more public keys to a seeded data directory, straight into its SQLite file in one
 * transaction (the REST API would take hours for a million). Each row copies the seeded public
 * key's row, so every column the current schema has is filled as the server fills it, with a new
 * id, hash and display prefix. The seeded key and the first keys up to `sampleSize` are real values, written one
 * Authorization header per line to the returned file; the rest are hashes of random bytes that no
 * request will present. The copied ciphertext is bound to the seeded key's id, so these keys
 * cannot be read back with GET /token; nothing on the decision path reads it.
 */
export function addBulkKeys(seed: Seed, count: number, sampleSize: number): string {
  const db = new Database(sqlitePath(seed.dataDir));
  const sample: string[] = [`Bearer ${seed.publicKey}`];
  try {
    // Bulk-load settings for this connection only; the server opens the file in WAL mode again.
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    db.pragma("cache_size = -262144");
    const template = db.prepare("SELECT * FROM api_keys WHERE id = ?").get(seed.publicKeyId) as Record<string, unknown>;
    if (!template) throw new Error(`no key ${seed.publicKeyId} to copy`);
    const columns = Object.keys(template);
    const insert = db.prepare(
      `INSERT INTO api_keys (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
    );
    // Random bytes drawn in blocks: one call per key would take longer than the inserts.
    let pool = Buffer.alloc(0);
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        if (i % 65_536 === 0) pool = randomBytes(32 * 65_536);
        let hash: string;
        let prefix: string;
        if (sample.length < sampleSize) {
          const value = generateKeyValue("public");
          sample.push(`Bearer ${value}`);
          hash = hashKeyValue(value);
          prefix = displayPrefix(value);
        } else {
          const at = (i % 65_536) * 32;
          hash = pool.toString("hex", at, at + 32);
          prefix = "pcpk_bulk";
        }
        // Sequential IDs keep the primary-key index append-only while it is built; decisions
        // look keys up by hash, whose order is random as in life.
        insert.run({ ...template, id: `key_bulk${i.toString(36)}`, hash, display_prefix: prefix });
      }
    })();
    db.pragma("journal_mode = WAL");
  } finally {
    db.close();
  }
  const file = join(seed.dataDir, "sample-keys.txt");
  writeFileSync(file, `${sample.join("\n")}\n`);
  return file;
}
