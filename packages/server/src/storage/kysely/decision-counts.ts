import { sql } from "kysely";
import type { DecisionCount } from "../records.ts";
import type { Db } from "./db.ts";

/** One upsert per bucket: KyselyStore runs them in one transaction. */
export async function addDecisionCounts(db: Db, counts: DecisionCount[]): Promise<void> {
  for (const c of counts)
    await sql`insert into decision_buckets (org_id, key_id, bucket, outcome, reason, origin, count)
          values (${c.orgId}, ${c.keyId}, ${c.bucket}, ${c.outcome}, ${c.reason}, ${c.origin}, ${c.count})
          on conflict (org_id, key_id, bucket, outcome, reason, origin) do update set count = count + ${c.count}`.execute(
      db,
    );
}

export async function decisionCounts(db: Db, orgId: string, keyId: string, since: string): Promise<DecisionCount[]> {
  const rows = await db
    .selectFrom("decision_buckets")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("key_id", "=", keyId)
    .where("bucket", ">=", since)
    .orderBy("bucket")
    .execute();
  return rows.map((r) => ({
    orgId: r.org_id,
    keyId: r.key_id,
    bucket: r.bucket,
    outcome: r.outcome,
    reason: r.reason,
    origin: r.origin,
    count: r.count,
  }));
}
