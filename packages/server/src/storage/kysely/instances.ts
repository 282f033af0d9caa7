import type { Selectable } from "kysely";
import type { InstanceTable } from "../database.ts";
import type { InstanceRecord } from "../store.ts";
import type { Db } from "./db.ts";

/** Server processes sharing the database, each with its heartbeat. */

function toInstance(row: Selectable<InstanceTable>): InstanceRecord {
  return { id: row.id, host: row.host, pid: row.pid, startedAt: row.started_at, lastSeenMs: row.last_seen };
}

export async function registerInstance(db: Db, instance: InstanceRecord): Promise<void> {
  const row = {
    id: instance.id,
    host: instance.host,
    pid: instance.pid,
    started_at: instance.startedAt,
    last_seen: instance.lastSeenMs,
  };
  await db
    .insertInto("instances")
    .values(row)
    .onConflict((c) => c.column("id").doUpdateSet({ last_seen: row.last_seen }))
    .execute();
}

export async function touchInstance(db: Db, id: string, nowMs: number): Promise<boolean> {
  const result = await db.updateTable("instances").set({ last_seen: nowMs }).where("id", "=", id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listInstances(db: Db): Promise<InstanceRecord[]> {
  return (await db.selectFrom("instances").selectAll().execute()).map(toInstance);
}

export async function removeInstances(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom("instances").where("id", "in", ids).execute();
}
