import type { Selectable } from "kysely";
import type { MemberTable, SessionTable } from "../database.ts";
import type { MemberRecord, MemberRole, SessionRecord, SetupTokenRecord } from "../records.ts";
import type { Db } from "./db.ts";

/** Dashboard members, their sessions, and the one-time setup tokens that create an org's owner. */

function toMember(row: Selectable<MemberTable>): MemberRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    email: row.email,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  };
}

function toSession(row: Selectable<SessionTable>): SessionRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    memberId: row.member_id,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    lastSeenAtMs: row.last_seen_at,
    expiresAtMs: row.expires_at,
  };
}

export async function insertMember(db: Db, m: MemberRecord): Promise<void> {
  await db
    .insertInto("members")
    .values({
      id: m.id,
      org_id: m.orgId,
      email: m.email,
      role: m.role,
      password_hash: m.passwordHash,
      created_at: m.createdAt,
    })
    .execute();
}

export async function findMemberByEmail(db: Db, email: string): Promise<MemberRecord | undefined> {
  const row = await db.selectFrom("members").selectAll().where("email", "=", email).executeTakeFirst();
  return row && toMember(row);
}

export async function getMember(db: Db, orgId: string, id: string): Promise<MemberRecord | undefined> {
  const row = await db
    .selectFrom("members")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row && toMember(row);
}

export async function listMembers(db: Db, orgId: string): Promise<MemberRecord[]> {
  const rows = await db
    .selectFrom("members")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(toMember);
}

export async function countMembers(db: Db, orgId: string): Promise<number> {
  const row = await db
    .selectFrom("members")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("org_id", "=", orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Another owner of the org than `id` exists: the guard that keeps an org from losing its last owner. */
const hasOtherOwner = (db: Db, orgId: string, id: string) =>
  db
    .selectFrom("members as other")
    .select("other.id")
    .where("other.org_id", "=", orgId)
    .where("other.role", "=", "owner")
    .where("other.id", "!=", id);

/**
 * Two statements (KyselyStore runs them in one transaction): the member, guarded like
 * {@link updateMemberRole} so that the org's last owner stays, then their sessions. Undefined when
 * there is no such member or the guard refused.
 */
export async function deleteMember(db: Db, orgId: string, id: string): Promise<MemberRecord | undefined> {
  const row = await db
    .deleteFrom("members")
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .where((eb) => eb.or([eb("role", "!=", "owner"), eb.exists(hasOtherOwner(db, orgId, id))]))
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  // The foreign key cascades too; this does not depend on it being enforced.
  await db.deleteFrom("sessions").where("org_id", "=", orgId).where("member_id", "=", id).execute();
  return toMember(row);
}

/**
 * Changes a member's role in one guarded statement: an owner is turned into another role only
 * while the org has another owner, so two owners demoting each other at once cannot both succeed.
 * Undefined when there is no such member or the guard refused.
 */
export async function updateMemberRole(
  db: Db,
  orgId: string,
  id: string,
  role: MemberRole,
): Promise<MemberRecord | undefined> {
  let query = db.updateTable("members").set({ role }).where("org_id", "=", orgId).where("id", "=", id);
  if (role !== "owner")
    query = query.where((eb) => eb.or([eb("role", "!=", "owner"), eb.exists(hasOtherOwner(db, orgId, id))]));
  const row = await query.returningAll().executeTakeFirst();
  return row && toMember(row);
}

export async function updateMemberPassword(db: Db, orgId: string, id: string, passwordHash: string): Promise<boolean> {
  const result = await db
    .updateTable("members")
    .set({ password_hash: passwordHash })
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function insertSession(db: Db, s: SessionRecord): Promise<void> {
  await db
    .insertInto("sessions")
    .values({
      id: s.id,
      org_id: s.orgId,
      member_id: s.memberId,
      token_hash: s.tokenHash,
      created_at: s.createdAt,
      last_seen_at: s.lastSeenAtMs,
      expires_at: s.expiresAtMs,
    })
    .execute();
}

export async function findSession(
  db: Db,
  tokenHash: string,
): Promise<{ session: SessionRecord; member: MemberRecord } | undefined> {
  const session = await db.selectFrom("sessions").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
  if (!session) return undefined;
  const member = await getMember(db, session.org_id, session.member_id);
  return member && { session: toSession(session), member };
}

export async function touchSession(db: Db, id: string, lastSeenAtMs: number): Promise<void> {
  await db.updateTable("sessions").set({ last_seen_at: lastSeenAtMs }).where("id", "=", id).execute();
}

export async function deleteSession(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom("sessions").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteMemberSessions(
  db: Db,
  orgId: string,
  memberId: string,
  exceptSessionId?: string,
): Promise<number> {
  let query = db.deleteFrom("sessions").where("org_id", "=", orgId).where("member_id", "=", memberId);
  if (exceptSessionId !== undefined) query = query.where("id", "!=", exceptSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function purgeSessions(db: Db, nowMs: number, idleBeforeMs: number): Promise<number> {
  const result = await db
    .deleteFrom("sessions")
    .where((eb) => eb.or([eb("expires_at", "<=", nowMs), eb("last_seen_at", "<", idleBeforeMs)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertSetupToken(db: Db, t: SetupTokenRecord): Promise<void> {
  await db
    .insertInto("setup_tokens")
    .values({ token_hash: t.tokenHash, org_id: t.orgId, created_at: t.createdAt, expires_at: t.expiresAtMs })
    .execute();
}

export async function consumeSetupToken(db: Db, tokenHash: string, nowMs: number): Promise<string | undefined> {
  // One statement: two requests racing with the same token cannot both get the org.
  const row = await db
    .deleteFrom("setup_tokens")
    .where("token_hash", "=", tokenHash)
    .returning(["org_id", "expires_at"])
    .executeTakeFirst();
  return row && row.expires_at > nowMs ? row.org_id : undefined;
}

export async function deleteSetupTokens(db: Db, orgId: string): Promise<void> {
  await db.deleteFrom("setup_tokens").where("org_id", "=", orgId).execute();
}
