import { existsSync, readFileSync, statSync } from "node:fs";
import { sqlitePath } from "@portcullis/server";
import Database from "better-sqlite3";

/** What the database and the server process hold at one moment, read from outside the server. */
export type DbSnapshot = {
  rows: number;
  rowsByTable: Record<string, number>;
  /** Rows that belong to `orgId` (in tables with an org_id column). */
  orgRows: number;
  fileBytes: number;
  diskWrites: number;
};

/**
 * Rows in every table (a separate read-only connection; WAL lets it read beside the server), how
 * many of them belong to one org, the size of the database and its WAL, and the bytes the server
 * process has caused to be written to storage so far (/proc/<pid>/io write_bytes), which also
 * catches updates of existing rows.
 */
export function snapshot(dataDir: string, pid: number, orgId: string): DbSnapshot {
  const file = sqlitePath(dataDir);
  const db = new Database(file, { readonly: true });
  let rows = 0;
  let orgRows = 0;
  const rowsByTable: Record<string, number> = {};
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[];
    for (const { name } of tables) {
      const count = (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n;
      rowsByTable[name] = count;
      rows += count;
      const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[];
      if (columns.some((c) => c.name === "org_id"))
        orgRows += (db.prepare(`SELECT count(*) AS n FROM "${name}" WHERE org_id = ?`).get(orgId) as { n: number }).n;
    }
  } finally {
    db.close();
  }
  const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
  const io = readFileSync(`/proc/${pid}/io`, "utf8");
  const diskWrites = Number(/write_bytes: (\d+)/.exec(io)?.[1] ?? Number.NaN);
  return { rows, rowsByTable, orgRows, fileBytes: size(file) + size(`${file}-wal`), diskWrites };
}
