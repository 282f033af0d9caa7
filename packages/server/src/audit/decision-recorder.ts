import type { Clock } from "../domain/clock.ts";
import type { AuditEvent, DecisionCount } from "../storage/records.ts";
import type { Store } from "../storage/store.ts";

export type Outcome = DecisionCount["outcome"];

/** How many distinct (key, minute, outcome, reason, origin) rows are kept between flushes. */
const MAX_ROWS = 10_000;
/** Full refusal events kept per key between flushes; the rest are only counted. */
const SAMPLES_PER_KEY = 20;
const OVERFLOW_ORIGIN = "(other)";

/**
 * Counts call-start decisions in memory and writes them every few seconds as per-minute aggregates,
 * with a bounded sample of full refusal events for the audit log — so a flood of refused requests
 * costs a bounded number of database writes, not one per request.
 */
export class DecisionRecorder {
  private counts = new Map<string, DecisionCount>();
  private samples: AuditEvent[] = [];
  private sampled = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** Called after each flush with what it wrote, for alert thresholds. */
  onFlush: ((counts: DecisionCount[]) => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    intervalMs = 5000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  record(
    orgId: string,
    keyId: string,
    outcome: Outcome,
    reason: string,
    origin: string | undefined,
    /** Builds the full event; called only when it is kept as a sample. */
    sample?: () => AuditEvent,
  ): void {
    const bucket = new Date(Math.floor(this.clock.now() / 60_000) * 60_000).toISOString();
    let where = origin ?? "";
    let id = `${orgId}|${keyId}|${bucket}|${outcome}|${reason}|${where}`;
    if (!this.counts.has(id) && this.counts.size >= MAX_ROWS) {
      // Many distinct origins (an attacker rotating them) fold into one row instead of growing memory.
      where = OVERFLOW_ORIGIN;
      id = `${orgId}|${keyId}|${bucket}|${outcome}|${reason}|${where}`;
    }
    const row = this.counts.get(id);
    if (row) row.count++;
    else this.counts.set(id, { orgId, keyId, bucket, outcome, reason, origin: where, count: 1 });
    if (sample) {
      const taken = this.sampled.get(keyId) ?? 0;
      if (taken < SAMPLES_PER_KEY) {
        this.sampled.set(keyId, taken + 1);
        this.samples.push(sample());
      }
    }
  }

  /** Writes what was counted since the last flush, in one transaction. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.counts.size === 0 && this.samples.length === 0) return;
      const counts = [...this.counts.values()];
      const samples = this.samples;
      this.counts = new Map();
      this.samples = [];
      this.sampled = new Map();
      await this.store.transaction(async (tx) => {
        await tx.addDecisionCounts(counts);
        for (const event of samples) await tx.appendAudit(event);
      });
      this.onFlush?.(counts);
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
