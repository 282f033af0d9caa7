import type { Clock } from "../domain/clock.ts";
import type { Store } from "./store.ts";

/**
 * Collects "key used" marks in memory and writes them every few seconds in one transaction, so a
 * busy key costs one write per interval, not one per request.
 */
export class UsageBuffer {
  private pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    intervalMs = 5000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  record(keyId: string): void {
    this.pending.set(keyId, this.clock.now());
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = new Map([...this.pending].map(([id, at]) => [id, new Date(at).toISOString()]));
    this.pending = new Map();
    await this.store.touchKeys(batch);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
