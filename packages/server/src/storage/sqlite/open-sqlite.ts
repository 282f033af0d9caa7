import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Database } from "../database.ts";
import { migrateToLatest } from "../migrations/index.ts";
import { withStatementCache } from "./statement-cache.ts";

/** Where the embedded database lives inside a data directory. */
export function sqlitePath(dataDir: string): string {
  return join(dataDir, "portcullis.sqlite");
}

/**
 * Opens (creating when missing) the SQLite database at `file` — or in memory for ":memory:" —
 * in WAL mode, and brings its schema up to date.
 */
export async function openSqlite(file: string): Promise<Kysely<Database>> {
  return (await openSqliteDatabase(file)).db;
}

/** As {@link openSqlite}, also returning the raw better-sqlite3 handle (rate limits keep their counters in it). */
export async function openSqliteDatabase(
  file: string,
): Promise<{ db: Kysely<Database>; sqlite: SqliteDatabase.Database }> {
  if (file !== ":memory:") mkdirSync(join(file, ".."), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma("journal_mode = WAL");
  // Two processes may share the file (the CLI beside the server): wait for a lock, don't fail.
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrateToLatest(db as Kysely<unknown>);
  return { db, sqlite };
}
