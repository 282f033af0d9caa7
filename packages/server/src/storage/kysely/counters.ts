import { sql } from "kysely";
import type { Db } from "./db.ts";

/** Limit counters (concurrency slots, spend seconds), keyed by scope. */

export async function reserveCounter(db: Db, scope: string, amount: number, cap: number): Promise<boolean> {
  if (amount > cap) return false;
  // One guarded statement (insert-or-add, only while the sum stays within the cap): SQLite
  // serializes writers, so concurrent reservations from any process cannot overshoot.
  const row = await sql<{ used: number }>`
      insert into limit_counters (scope, used) values (${scope}, ${amount})
      on conflict (scope) do update set used = used + ${amount} where used + ${amount} <= ${cap}
      returning used`.execute(db);
  return row.rows.length === 1;
}

export async function readCounter(db: Db, scope: string): Promise<number> {
  const row = await db.selectFrom("limit_counters").select("used").where("scope", "=", scope).executeTakeFirst();
  return row?.used ?? 0;
}

export async function releaseCounter(db: Db, scope: string, amount: number): Promise<void> {
  if (amount <= 0) return;
  await sql`update limit_counters set used = max(0, used - ${amount}) where scope = ${scope}`.execute(db);
}

export async function resetCounters(db: Db, prefix: string): Promise<void> {
  // Not LIKE: `_` and `%` in a prefix (IDs, a token's `sub`) would be wildcards, and SQLite's LIKE
  // ignores ASCII case where PostgreSQL's does not. A literal comparison means the same in both.
  await db
    .updateTable("limit_counters")
    .set({ used: 0 })
    .where(sql<string>`substr(scope, 1, length(${prefix}))`, "=", prefix)
    .execute();
}

export async function setCounter(db: Db, scope: string, used: number): Promise<void> {
  await sql`insert into limit_counters (scope, used) values (${scope}, ${used})
      on conflict (scope) do update set used = ${used}`.execute(db);
}
