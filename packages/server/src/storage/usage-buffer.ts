import type { Clock } from "../domain/clock.ts";
import type { Store } from "./store.ts";

/**
 * Collects "key used" marks in memory and writes them every few seconds in one transaction, so a
 * busy key costs one write per interval, not one per request.
 */
export class UsageBuffer {
  private pending = new Map<string, string>();
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
    this.pending.set(keyId, new Date(this.clock.now()).toISOString());
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    await this.store.touchKeys(batch);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
