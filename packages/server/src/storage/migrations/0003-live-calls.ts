import type { Kysely } from "kysely";

/** The live call: join tokens, lifecycle and metering on the call row; provider credentials. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const columns: [string, "text" | "integer" | "real"][] = [
    ["join_token_hash", "text"],
    ["join_expires_at", "integer"],
    ["origin_rules", "text"],
    ["config", "text"],
    ["max_duration_seconds", "integer"],
    ["started_at", "text"],
    ["ended_at", "text"],
    ["duration_seconds", "real"],
    ["ended_reason", "text"],
    ["messages", "text"],
  ];
  for (const [name, type] of columns) await db.schema.alterTable("calls").addColumn(name, type).execute();
  await db.schema.createIndex("calls_status").on("calls").column("status").execute();

  await db.schema
    .createTable("credentials")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("org_id", "text", (c) => c.notNull().references("orgs.id"))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("encrypted_api_key", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("credentials_org_provider").on("credentials").columns(["org_id", "provider"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("credentials").execute();
}
