import type { Restrictions } from "@portcullis/core";
import type { Selectable } from "kysely";
import type { ApiKeyTable } from "../database.ts";
import type { KeyRecord } from "../records.ts";
import type { Db } from "./db.ts";

function toKey(row: Selectable<ApiKeyTable>): KeyRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    tag: row.tag,
    name: row.name,
    hash: row.hash,
    displayPrefix: row.display_prefix,
    encryptedValue: row.encrypted_value,
    restrictions: JSON.parse(row.restrictions) as Restrictions,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    previousHash: row.previous_hash,
    previousEncryptedValue: row.previous_encrypted_value,
    previousExpiresAt: row.previous_expires_at,
  };
}

/** A key as its row (also written by `createOrg`, for an org's first key). */
export function fromKey(key: KeyRecord): ApiKeyTable {
  return {
    id: key.id,
    org_id: key.orgId,
    tag: key.tag,
    name: key.name,
    hash: key.hash,
    display_prefix: key.displayPrefix,
    encrypted_value: key.encryptedValue,
    restrictions: JSON.stringify(key.restrictions),
    created_at: key.createdAt,
    updated_at: key.updatedAt,
    last_used_at: key.lastUsedAt,
    revoked_at: key.revokedAt,
    previous_hash: key.previousHash,
    previous_encrypted_value: key.previousEncryptedValue,
    previous_expires_at: key.previousExpiresAt,
  };
}

/** The row of a key of `orgId` that is not revoked. */
function activeKeyRow(db: Db, orgId: string, id: string): Promise<Selectable<ApiKeyTable> | undefined> {
  return db
    .selectFrom("api_keys")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

export async function insertKey(db: Db, key: KeyRecord): Promise<void> {
  await db.insertInto("api_keys").values(fromKey(key)).execute();
}

export async function findKeyByHash(db: Db, hash: string): Promise<KeyRecord | undefined> {
  const row =
    (await db.selectFrom("api_keys").selectAll().where("hash", "=", hash).executeTakeFirst()) ??
    (await db.selectFrom("api_keys").selectAll().where("previous_hash", "=", hash).executeTakeFirst());
  return row && toKey(row);
}

export function listPrivateKeys(db: Db, orgId: string): Promise<KeyRecord[]> {
  return listKeys(db, orgId, "private");
}

/** Reads the current value, then moves it to `previous_*`: KyselyStore runs both in one transaction. */
export async function rotateKey(
  db: Db,
  orgId: string,
  id: string,
  next: Pick<KeyRecord, "hash" | "displayPrefix" | "encryptedValue" | "previousExpiresAt" | "updatedAt">,
): Promise<KeyRecord | undefined> {
  const current = await activeKeyRow(db, orgId, id);
  if (!current) return undefined;
  const row = await db
    .updateTable("api_keys")
    .set({
      hash: next.hash,
      display_prefix: next.displayPrefix,
      encrypted_value: next.encryptedValue,
      previous_hash: current.hash,
      previous_encrypted_value: current.encrypted_value,
      previous_expires_at: next.previousExpiresAt,
      updated_at: next.updatedAt,
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toKey(row);
}

export async function getKey(db: Db, orgId: string, id: string): Promise<KeyRecord | undefined> {
  const row = await activeKeyRow(db, orgId, id);
  return row && toKey(row);
}

/** The org's keys not revoked (only those of `tag` when given), newest first. */
export async function listKeys(db: Db, orgId: string, tag?: KeyRecord["tag"]): Promise<KeyRecord[]> {
  const rows = await db
    .selectFrom("api_keys")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("revoked_at", "is", null)
    .$if(tag !== undefined, (query) => query.where("tag", "=", tag as KeyRecord["tag"]))
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return rows.map(toKey);
}

export async function updateKey(
  db: Db,
  orgId: string,
  id: string,
  patch: Pick<KeyRecord, "name" | "restrictions" | "updatedAt">,
): Promise<KeyRecord | undefined> {
  const row = await db
    .updateTable("api_keys")
    .set({ name: patch.name, restrictions: JSON.stringify(patch.restrictions), updated_at: patch.updatedAt })
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .returningAll()
    .executeTakeFirst();
  return row && toKey(row);
}

export async function revokeKey(db: Db, orgId: string, id: string, at: string): Promise<KeyRecord | undefined> {
  const row = await db
    .updateTable("api_keys")
    .set({ revoked_at: at, updated_at: at })
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .returningAll()
    .executeTakeFirst();
  return row && toKey(row);
}

/** One statement per key: KyselyStore runs them in one transaction (one fsync for the batch). */
export async function touchKeys(db: Db, lastUsed: ReadonlyMap<string, string>): Promise<void> {
  for (const [id, at] of lastUsed) {
    await db.updateTable("api_keys").set({ last_used_at: at }).where("id", "=", id).execute();
  }
}
