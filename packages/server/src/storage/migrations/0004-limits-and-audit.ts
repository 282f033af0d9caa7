import type { Kysely } from "kysely";

/** Limits (guarded counters, call reservations) and the audit log with refusal aggregates. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("limit_counters")
    .addColumn("scope", "text", (c) => c.primaryKey())
    .addColumn("used", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("calls").addColumn("reservations", "text").execute();
  await db.schema.alterTable("calls").addColumn("duration_limited_by", "text").execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("seq", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("org_id", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("actor_key_id", "text")
    .addColumn("key_id", "text")
    .addColumn("target_id", "text")
    .addColumn("reason", "text")
    .addColumn("origin", "text")
    .addColumn("ip", "text")
    .addColumn("user_id", "text")
    .addColumn("assistant_id", "text")
    .addColumn("call_id", "text")
    .addColumn("details", "text")
    .execute();
  await db.schema.createIndex("audit_org_seq").on("audit_events").columns(["org_id", "seq"]).execute();
  await db.schema.createIndex("audit_org_key").on("audit_events").columns(["org_id", "key_id", "seq"]).execute();

  await db.schema
    .createTable("decision_buckets")
    .addColumn("org_id", "text", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("bucket", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("origin", "text", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("decision_buckets_pk", ["org_id", "key_id", "bucket", "outcome", "reason", "origin"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["decision_buckets", "audit_events", "limit_counters"])
    await db.schema.dropTable(table).execute();
}
