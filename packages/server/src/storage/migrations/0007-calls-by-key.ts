import type { Kysely } from "kysely";

/** `GET /call?keyId=` (a key's activity page) reads one key's calls newest first without scanning the org's. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex("calls_org_key").on("calls").columns(["org_id", "key_id", "seq"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("calls_org_key").execute();
}
