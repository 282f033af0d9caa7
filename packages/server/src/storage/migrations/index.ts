import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as initial from "./0001-initial.ts";
import * as clientTokens from "./0002-client-tokens.ts";
import * as liveCalls from "./0003-live-calls.ts";
import * as limitsAndAudit from "./0004-limits-and-audit.ts";
import * as membersAndSessions from "./0005-members-and-sessions.ts";
import * as callOwners from "./0006-call-owners.ts";
import * as callsByKey from "./0007-calls-by-key.ts";

/** Versioned migrations, applied in name order at start-up. Never edit one that has shipped. */
const MIGRATIONS: Record<string, Migration> = {
  "0001-initial": initial,
  "0002-client-tokens": clientTokens,
  "0003-live-calls": liveCalls,
  "0004-limits-and-audit": limitsAndAudit,
  "0005-members-and-sessions": membersAndSessions,
  "0006-call-owners": callOwners,
  "0007-calls-by-key": callsByKey,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the schema up to date; throws (stopping start-up) when a migration fails. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: "schema_migrations" });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
