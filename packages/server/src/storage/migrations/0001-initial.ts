import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("orgs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("settings", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("org_id", "text", (c) => c.notNull().references("orgs.id"))
    .addColumn("tag", "text", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("hash", "text", (c) => c.notNull().unique())
    .addColumn("display_prefix", "text", (c) => c.notNull())
    .addColumn("encrypted_value", "text", (c) => c.notNull())
    .addColumn("restrictions", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("api_keys_org").on("api_keys").columns(["org_id", "created_at"]).execute();

  await db.schema
    .createTable("assistants")
    .addColumn("seq", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("org_id", "text", (c) => c.notNull().references("orgs.id"))
    .addColumn("config", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("assistants_org").on("assistants").columns(["org_id", "seq"]).execute();

  await db.schema
    .createTable("calls")
    .addColumn("seq", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("org_id", "text", (c) => c.notNull().references("orgs.id"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("assistant_id", "text")
    .addColumn("assistant", "text")
    .addColumn("assistant_overrides", "text")
    .addColumn("metadata", "text")
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("origin", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("calls_org").on("calls").columns(["org_id", "seq"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["calls", "assistants", "api_keys", "orgs"]) await db.schema.dropTable(table).execute();
}
