import type { Selectable } from "kysely";
import type { CredentialTable } from "../database.ts";
import type { CredentialRecord } from "../records.ts";
import type { Db } from "./db.ts";

function toCredential(row: Selectable<CredentialTable>): CredentialRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    provider: row.provider as CredentialRecord["provider"],
    name: row.name,
    encryptedApiKey: row.encrypted_api_key,
    createdAt: row.created_at,
  };
}

export async function insertCredential(db: Db, credential: CredentialRecord): Promise<void> {
  await db
    .insertInto("credentials")
    .values({
      id: credential.id,
      org_id: credential.orgId,
      provider: credential.provider,
      name: credential.name,
      encrypted_api_key: credential.encryptedApiKey,
      created_at: credential.createdAt,
    })
    .execute();
}

export async function listCredentials(db: Db, orgId: string): Promise<CredentialRecord[]> {
  const rows = await db
    .selectFrom("credentials")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("created_at", "desc")
    .execute();
  return rows.map(toCredential);
}

export async function deleteCredential(db: Db, orgId: string, id: string): Promise<CredentialRecord | undefined> {
  const row = await db
    .deleteFrom("credentials")
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row && toCredential(row);
}
