import { newId } from "@portcullis/core";
import type { Clock } from "../domain/clock.ts";
import type { AuditEvent, AuditEventName } from "../storage/records.ts";

export type AuditFields = Partial<Omit<AuditEvent, "id" | "orgId" | "at" | "event">>;

/**
 * A complete audit row from what an event knows; unknown fields are null. Callers pass names and
 * IDs only — never a key value, token or API key.
 */
export function auditEvent(clock: Clock, orgId: string, event: AuditEventName, fields: AuditFields = {}): AuditEvent {
  return {
    id: newId("audit"),
    orgId,
    at: new Date(clock.now()).toISOString(),
    event,
    actorKeyId: fields.actorKeyId ?? null,
    keyId: fields.keyId ?? null,
    targetId: fields.targetId ?? null,
    reason: fields.reason ?? null,
    origin: fields.origin ?? null,
    ip: fields.ip ?? null,
    userId: fields.userId ?? null,
    assistantId: fields.assistantId ?? null,
    callId: fields.callId ?? null,
    details: fields.details ?? null,
  };
}
