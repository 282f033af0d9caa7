import type { Selectable } from "kysely";
import type { OrgTable } from "../database.ts";
import type { KeyRecord, OrgRecord, OrgSettings } from "../records.ts";
import type { Db } from "./db.ts";
import { fromKey } from "./keys.ts";

function toOrg(row: Selectable<OrgTable>): OrgRecord {
  return { id: row.id, name: row.name, settings: JSON.parse(row.settings) as OrgSettings, createdAt: row.created_at };
}

/** Two statements: KyselyStore runs them in one transaction, so an org never lacks its first key. */
export async function createOrg(db: Db, org: OrgRecord, firstKey: KeyRecord): Promise<void> {
  await db
    .insertInto("orgs")
    .values({ id: org.id, name: org.name, settings: JSON.stringify(org.settings), created_at: org.createdAt })
    .execute();
  await db.insertInto("api_keys").values(fromKey(firstKey)).execute();
}

export async function getOrg(db: Db, id: string): Promise<OrgRecord | undefined> {
  const row = await db.selectFrom("orgs").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toOrg(row);
}

export async function listOrgs(db: Db): Promise<OrgRecord[]> {
  return (await db.selectFrom("orgs").selectAll().orderBy("created_at").execute()).map(toOrg);
}

export async function updateOrgSettings(db: Db, id: string, settings: OrgSettings): Promise<OrgRecord | undefined> {
  const row = await db
    .updateTable("orgs")
    .set({ settings: JSON.stringify(settings) })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row && toOrg(row);
}

export async function countOrgs(db: Db): Promise<number> {
  const row = await db
    .selectFrom("orgs")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
