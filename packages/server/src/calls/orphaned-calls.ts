import type { Clock } from "../domain/clock.ts";
import { rebuildConcurrency } from "../limits/call-admission.ts";
import type { CallRecord } from "../storage/records.ts";
import type { InstanceRecord, Store } from "../storage/store.ts";
import { recordCallEnd } from "./record-end.ts";

export type Liveness = {
  /** This process's instance: never judged gone. */
  self: Pick<InstanceRecord, "id" | "host">;
  nowMs: number;
  /** How long an instance may go without a heartbeat before it is judged gone. */
  leaseMs: number;
  /** Whether a process with this ID exists on this host (and in this PID namespace). */
  processExists: (pid: number) => boolean;
};

/**
 * Whether `instance` is gone: its lease ran out (no heartbeat for `leaseMs`), or it ran on this
 * host and its process no longer exists — what lets a restart after a crash settle the crashed
 * process's calls at once instead of a lease later. A process that only looks alive (its PID
 * reused) still loses its lease.
 */
export function isGone(instance: InstanceRecord, live: Liveness): boolean {
  if (instance.id === live.self.id) return false;
  if (live.nowMs - instance.lastSeenMs > live.leaseMs) return true;
  if (instance.host !== live.self.host) return false;
  // Our own PID under another ID (another server in this process, or an earlier process that had
  // the PID) looks alive here: its lease decides.
  return !live.processExists(instance.pid);
}

export type Reconciled = {
  /** Calls ended here: those of gone instances ("server-shutdown"), and queued ones no timer ended ("join-timeout"). */
  ended: CallRecord[];
  /** True when no other instance is live. */
  alone: boolean;
  /** True when this instance's own row was gone: another process judged it dead and ended its calls. */
  wasPresumedDead: boolean;
};

/**
 * One heartbeat of this instance and, in the same transaction, the end of every call whose
 * instance is gone: recorded as "server-shutdown", audited, its holds settled. A call is charged
 * from its start to its instance's last heartbeat (the whole reservation when that is unknown).
 * Calls of live instances are never touched, nor a call just joined whose session has not said
 * which instance runs it yet (it has a lease to do so). A queued call whose join window closed a
 * lease ago lost its join timer with the process that started it: it ends as "join-timeout".
 *
 * With `rebuildIfAlone` (at start-up, before taking traffic), when no other instance is live the
 * concurrency counters are rebuilt from the open calls in the same transaction: a crash between a
 * hold and its call's row leaves a slot taken.
 */
export async function reconcileInstances(
  store: Store,
  clock: Clock,
  self: InstanceRecord,
  live: Liveness,
  options: { rebuildIfAlone?: boolean } = {},
): Promise<Reconciled> {
  return store.transaction(async (tx): Promise<Reconciled> => {
    // A write first: the transaction takes the write lock now, so what it reads stays true until it commits.
    const wasPresumedDead = !(await tx.touchInstance(self.id, live.nowMs));
    if (wasPresumedDead) await tx.registerInstance({ ...self, lastSeenMs: live.nowMs });
    const instances = new Map((await tx.listInstances()).map((i) => [i.id, i]));
    const gone = [...instances.values()].filter((i) => isGone(i, live));
    const goneIds = new Set(gone.map((i) => i.id));
    const ended: CallRecord[] = [];
    const endedAt = new Date(live.nowMs).toISOString();
    for (const { call, instanceId } of await tx.listInProgressCalls()) {
      const owner = instanceId === null ? undefined : instances.get(instanceId);
      if (owner && !goneIds.has(owner.id)) continue;
      const startedMs = call.startedAt ? Date.parse(call.startedAt) : live.nowMs;
      if (instanceId === null && live.nowMs - startedMs <= live.leaseMs) continue;
      const durationSeconds = owner
        ? Math.min(call.maxDurationSeconds, Math.max(0, owner.lastSeenMs - startedMs) / 1000)
        : null;
      const row = await recordCallEnd(
        tx,
        clock,
        call.id,
        { endedAt, endedReason: "server-shutdown", durationSeconds },
        { from: "in-progress", chargeSeconds: durationSeconds ?? call.maxDurationSeconds },
      );
      if (row) ended.push(row);
    }
    for (const call of await tx.listQueuedCalls()) {
      if (live.nowMs - call.joinExpiresAtMs <= live.leaseMs) continue;
      const end = { endedAt, endedReason: "join-timeout" as const, durationSeconds: 0 };
      const row = await recordCallEnd(tx, clock, call.id, end, { from: "queued" });
      if (row) ended.push(row);
    }
    await tx.removeInstances([...goneIds]);
    const alone = [...instances.values()].every((i) => i.id === self.id || goneIds.has(i.id));
    if (alone && options.rebuildIfAlone) await rebuildConcurrency(tx);
    return { ended, alone, wasPresumedDead };
  });
}
