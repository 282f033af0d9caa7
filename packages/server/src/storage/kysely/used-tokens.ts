import type { Db } from "./db.ts";

/** Single-use token IDs (`jti`), kept until the token would have expired anyway. */

export async function consumeTokenId(db: Db, orgId: string, jti: string, expiresAtMs: number): Promise<boolean> {
  // One guarded statement: the primary key refuses the second insert, whichever process sends it.
  const result = await db
    .insertInto("used_tokens")
    .values({ org_id: orgId, jti, expires_at: expiresAtMs })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function purgeUsedTokens(db: Db, nowMs: number): Promise<number> {
  const result = await db.deleteFrom("used_tokens").where("expires_at", "<", nowMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}
