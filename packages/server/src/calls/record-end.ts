import { auditEvent } from "../audit/audit-event.ts";
import type { Clock } from "../domain/clock.ts";
import { settleCall } from "../limits/call-admission.ts";
import type { CallRecord } from "../storage/records.ts";
import type { CallEnd, Store } from "../storage/store.ts";

export type RecordEndOptions = {
  /** End the call only while it has this status (a join timer must not end a joined call). */
  from?: "queued" | "in-progress";
  /** What its spend holds are charged, in seconds. Default: its duration. */
  chargeSeconds?: number;
};

/**
 * Ends a call once, in one transaction: its row, its `call.end` audit event and the settlement of
 * its limit holds (slots freed, unused spend given back) commit together, so a crash can neither
 * leave an ended call holding its reservations nor give them back twice. Undefined when the call
 * had already ended (or did not have the status `from`).
 */
export async function recordCallEnd(
  store: Store,
  clock: Clock,
  callId: string,
  end: CallEnd,
  options: RecordEndOptions = {},
): Promise<CallRecord | undefined> {
  return store.transaction(async (tx) => {
    const row = await tx.finishCall(callId, end, options.from);
    if (!row) return undefined;
    await tx.appendAudit(
      auditEvent(clock, row.orgId, "call.end", {
        keyId: row.keyId,
        callId: row.id,
        assistantId: row.assistantId,
        userId: row.userId,
        origin: row.origin,
        reason: end.endedReason,
        details: { durationSeconds: end.durationSeconds, messageCount: row.messages.length },
      }),
    );
    await settleCall(tx, row.reservations, options.chargeSeconds ?? end.durationSeconds ?? 0);
    return row;
  });
}
