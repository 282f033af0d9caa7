import type { Kysely } from "kysely";

/**
 * Several processes on one database: each server process is an instance with a heartbeat, and a
 * live call names the instance that runs it, so a process that starts ends only the calls of
 * instances that are gone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("instances")
    .addColumn("id", "text", (c) => c.primaryKey())
    // Which machine and process namespace, and which process in it: lets a process on the same
    // host see at once that an instance's process no longer exists.
    .addColumn("host", "text", (c) => c.notNull())
    .addColumn("pid", "integer", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("last_seen", "integer", (c) => c.notNull())
    .execute();
  await db.schema.alterTable("calls").addColumn("instance_id", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("calls").dropColumn("instance_id").execute();
  await db.schema.dropTable("instances").execute();
}
