import type { Selectable } from "kysely";
import type { CallTable } from "../database.ts";
import type { CallMessage, CallRecord, EndedReason, Page, PageQuery, Reservation } from "../records.ts";
import type { CallEnd, JoinClaim } from "../store.ts";
import type { Db } from "./db.ts";
import { json, parseJson } from "./json-columns.ts";
import { decodeCursor, toPage } from "./page.ts";

function toCall(row: Selectable<CallTable>): CallRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    type: row.type as CallRecord["type"],
    status: row.status as CallRecord["status"],
    assistantId: row.assistant_id,
    assistant: parseJson(row.assistant),
    assistantOverrides: parseJson(row.assistant_overrides),
    metadata: parseJson(row.metadata),
    keyId: row.key_id,
    origin: row.origin,
    userId: row.user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    config: parseJson(row.config),
    originRules: parseJson(row.origin_rules),
    maxDurationSeconds: row.max_duration_seconds ?? 600,
    durationLimitedBy: row.duration_limited_by === "spend-limit" ? "spend-limit" : null,
    reservations: parseJson<Reservation[]>(row.reservations) ?? [],
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationSeconds: row.duration_seconds,
    endedReason: row.ended_reason as EndedReason | null,
    messages: parseJson<CallMessage[]>(row.messages) ?? [],
  };
}

export async function insertCall(
  db: Db,
  call: CallRecord,
  join: { tokenHash: string; expiresAtMs: number },
): Promise<void> {
  await db
    .insertInto("calls")
    .values({
      id: call.id,
      org_id: call.orgId,
      type: call.type,
      status: call.status,
      assistant_id: call.assistantId,
      assistant: json(call.assistant),
      assistant_overrides: json(call.assistantOverrides),
      metadata: json(call.metadata),
      key_id: call.keyId,
      origin: call.origin,
      user_id: call.userId,
      created_at: call.createdAt,
      updated_at: call.updatedAt,
      config: json(call.config),
      origin_rules: json(call.originRules),
      max_duration_seconds: call.maxDurationSeconds,
      duration_limited_by: call.durationLimitedBy,
      reservations: json(call.reservations),
      messages: json(call.messages),
      join_token_hash: join.tokenHash,
      join_expires_at: join.expiresAtMs,
    })
    .execute();
}

export async function claimCallJoin(
  db: Db,
  id: string,
  tokenHash: string,
  nowMs: number,
  startedAt: string,
): Promise<JoinClaim> {
  const row = await db
    .updateTable("calls")
    .set({ status: "in-progress", started_at: startedAt, updated_at: startedAt, join_token_hash: null })
    .where("id", "=", id)
    .where("status", "=", "queued")
    .where("join_token_hash", "=", tokenHash)
    .where("join_expires_at", ">", nowMs)
    .returningAll()
    .executeTakeFirst();
  if (row) return { ok: true, call: toCall(row) };
  const late = await db
    .selectFrom("calls")
    .select("id")
    .where("id", "=", id)
    .where("join_token_hash", "=", tokenHash)
    .executeTakeFirst();
  return { ok: false, reason: late ? "expired" : "invalid" };
}

export async function finishCall(
  db: Db,
  id: string,
  end: CallEnd,
  from?: "queued" | "in-progress",
): Promise<CallRecord | undefined> {
  let query = db
    .updateTable("calls")
    .set({
      status: "ended",
      ended_at: end.endedAt,
      updated_at: end.endedAt,
      ended_reason: end.endedReason,
      duration_seconds: end.durationSeconds,
      // A timed-out call keeps its token's hash so a late join is told CALL_TOKEN_EXPIRED, not
      // INVALID; it can never match again, since only a queued call can be joined.
      ...(end.endedReason !== "join-timeout" && { join_token_hash: null }),
      ...(end.messages && { messages: JSON.stringify(end.messages) }),
    })
    .where("id", "=", id)
    .where("status", "!=", "ended");
  if (from) query = query.where("status", "=", from);
  const row = await query.returningAll().executeTakeFirst();
  return row && toCall(row);
}

export async function listOpenCalls(db: Db): Promise<CallRecord[]> {
  const rows = await db.selectFrom("calls").selectAll().where("status", "!=", "ended").execute();
  return rows.map(toCall);
}

export async function listQueuedCalls(db: Db): Promise<(CallRecord & { joinExpiresAtMs: number })[]> {
  const rows = await db.selectFrom("calls").selectAll().where("status", "=", "queued").execute();
  return rows.map((row) => ({ ...toCall(row), joinExpiresAtMs: row.join_expires_at ?? 0 }));
}

export async function setCallOwner(db: Db, id: string, instanceId: string): Promise<boolean> {
  const result = await db
    .updateTable("calls")
    .set({ instance_id: instanceId })
    .where("id", "=", id)
    .where("status", "=", "in-progress")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listInProgressCalls(db: Db): Promise<{ call: CallRecord; instanceId: string | null }[]> {
  const rows = await db.selectFrom("calls").selectAll().where("status", "=", "in-progress").execute();
  return rows.map((row) => ({ call: toCall(row), instanceId: row.instance_id }));
}

export async function getCall(db: Db, orgId: string, id: string): Promise<CallRecord | undefined> {
  const row = await db
    .selectFrom("calls")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row && toCall(row);
}

export async function findCall(db: Db, id: string): Promise<CallRecord | undefined> {
  const row = await db.selectFrom("calls").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toCall(row);
}

export async function listCalls(
  db: Db,
  orgId: string,
  page: PageQuery & { assistantId?: string | undefined; keyId?: string | undefined },
): Promise<Page<CallRecord>> {
  const before = decodeCursor(page.cursor);
  let query = db.selectFrom("calls").selectAll().where("org_id", "=", orgId);
  if (before !== undefined) query = query.where("seq", "<", before);
  if (page.assistantId !== undefined) query = query.where("assistant_id", "=", page.assistantId);
  if (page.keyId !== undefined) query = query.where("key_id", "=", page.keyId);
  const rows = await query
    .orderBy("seq", "desc")
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, toCall);
}
