import type { Kysely } from "kysely";

/** Client tokens: key rotation with a grace period, asymmetric signing keys, single-use token IDs, call user. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("api_keys").addColumn("previous_hash", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("previous_encrypted_value", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("previous_expires_at", "text").execute();
  await db.schema.createIndex("api_keys_previous_hash").on("api_keys").column("previous_hash").execute();

  await db.schema
    .createTable("signing_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("org_id", "text", (c) => c.notNull().references("orgs.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("kid", "text")
    .addColumn("alg", "text")
    .addColumn("jwk", "text")
    .addColumn("jwks_url", "text")
    .addColumn("name", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("signing_keys_org_kid").on("signing_keys").columns(["org_id", "kid"]).unique().execute();

  await db.schema
    .createTable("used_tokens")
    .addColumn("org_id", "text", (c) => c.notNull())
    .addColumn("jti", "text", (c) => c.notNull())
    .addColumn("expires_at", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("used_tokens_pk", ["org_id", "jti"])
    .execute();
  await db.schema.createIndex("used_tokens_expiry").on("used_tokens").column("expires_at").execute();

  await db.schema.alterTable("calls").addColumn("user_id", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("used_tokens").execute();
  await db.schema.dropTable("signing_keys").execute();
}
