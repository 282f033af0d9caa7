import type { Selectable } from "kysely";
import type { SigningKeyTable } from "../database.ts";
import type { SigningKeyRecord } from "../records.ts";
import type { Db } from "./db.ts";
import { json, parseJson } from "./json-columns.ts";

function toSigningKey(row: Selectable<SigningKeyTable>): SigningKeyRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: row.kind,
    kid: row.kid,
    alg: row.alg,
    jwk: parseJson(row.jwk),
    jwksUrl: row.jwks_url,
    name: row.name,
    createdAt: row.created_at,
  };
}

export async function insertSigningKey(db: Db, key: SigningKeyRecord): Promise<void> {
  await db
    .insertInto("signing_keys")
    .values({
      id: key.id,
      org_id: key.orgId,
      kind: key.kind,
      kid: key.kid,
      alg: key.alg,
      jwk: json(key.jwk),
      jwks_url: key.jwksUrl,
      name: key.name,
      created_at: key.createdAt,
    })
    .execute();
}

export async function listSigningKeys(db: Db, orgId: string): Promise<SigningKeyRecord[]> {
  const rows = await db
    .selectFrom("signing_keys")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("created_at", "desc")
    .execute();
  return rows.map(toSigningKey);
}

export async function getSigningKey(db: Db, orgId: string, id: string): Promise<SigningKeyRecord | undefined> {
  const row = await db
    .selectFrom("signing_keys")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row && toSigningKey(row);
}

export async function deleteSigningKey(db: Db, orgId: string, id: string): Promise<SigningKeyRecord | undefined> {
  const row = await db
    .deleteFrom("signing_keys")
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row && toSigningKey(row);
}
