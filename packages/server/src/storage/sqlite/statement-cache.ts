import type SqliteDatabase from "better-sqlite3";
import type { SqliteDatabase as KyselySqliteDatabase } from "kysely";

/**
 * The better-sqlite3 handle as Kysely sees it, with prepared statements kept per SQL text.
 * Kysely prepares every query anew; the same few queries run on every request, and preparing
 * costs more than running them. Statements are reusable in better-sqlite3 (execution is
 * synchronous and Kysely runs one query at a time), and SQLite re-prepares them itself after a
 * schema change. The cache is bounded: queries with varying shapes (IN lists) evict the oldest.
 */
export function withStatementCache(sqlite: SqliteDatabase.Database, size = 500): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        statements.set(sql, statement);
        if (statements.size > size) statements.delete(statements.keys().next().value as string);
      }
      return statement as unknown as ReturnType<KyselySqliteDatabase["prepare"]>;
    },
  };
}
