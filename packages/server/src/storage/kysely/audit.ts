import type { Selectable } from "kysely";
import type { AuditTable } from "../database.ts";
import type { AuditEvent, AuditEventName, AuditQuery, Page } from "../records.ts";
import type { Db } from "./db.ts";
import { json, parseJson } from "./json-columns.ts";
import { decodeCursor, toPage } from "./page.ts";

function toAudit(row: Selectable<AuditTable>): AuditEvent {
  return {
    id: row.id,
    orgId: row.org_id,
    at: row.at,
    event: row.event as AuditEventName,
    actorKeyId: row.actor_key_id,
    keyId: row.key_id,
    targetId: row.target_id,
    reason: row.reason,
    origin: row.origin,
    ip: row.ip,
    userId: row.user_id,
    assistantId: row.assistant_id,
    callId: row.call_id,
    details: parseJson(row.details),
  };
}

export async function appendAudit(db: Db, event: AuditEvent): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      id: event.id,
      org_id: event.orgId,
      at: event.at,
      event: event.event,
      actor_key_id: event.actorKeyId,
      key_id: event.keyId,
      target_id: event.targetId,
      reason: event.reason,
      origin: event.origin,
      ip: event.ip,
      user_id: event.userId,
      assistant_id: event.assistantId,
      call_id: event.callId,
      details: json(event.details),
    })
    .execute();
}

export async function listAudit(db: Db, orgId: string, query: AuditQuery): Promise<Page<AuditEvent>> {
  const before = decodeCursor(query.cursor);
  let q = db.selectFrom("audit_events").selectAll().where("org_id", "=", orgId);
  if (before !== undefined) q = q.where("seq", "<", before);
  if (query.event) q = q.where("event", "=", query.event);
  if (query.keyId) q = q.where("key_id", "=", query.keyId);
  if (query.reason) q = q.where("reason", "=", query.reason);
  if (query.from) q = q.where("at", ">=", query.from);
  if (query.to) q = q.where("at", "<", query.to);
  const rows = await q
    .orderBy("seq", "desc")
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, toAudit);
}
