import type { AssistantRecord } from "../storage/records.ts";
import type { Store } from "../storage/store.ts";
import type { Clock } from "./clock.ts";

/**
 * Assistants read on the call-start path, cached per org and ID (absent ones too), for the key
 * cache's TTL and dropped at once when this process changes them. Keeps the authorization decision
 * free of database reads when the cache is warm.
 */
export class AssistantCache {
  private readonly entries = new Map<string, { assistant: AssistantRecord | undefined; expiresAt: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly size = 10_000,
  ) {}

  async get(orgId: string, id: string): Promise<AssistantRecord | undefined> {
    const key = `${orgId}\u0000${id}`;
    const now = this.clock.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.assistant;
    const assistant = await this.store.getAssistant(orgId, id);
    this.entries.delete(key);
    this.entries.set(key, { assistant, expiresAt: now + this.ttlMs });
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as string);
    return assistant;
  }

  invalidate(orgId: string, id: string): void {
    this.entries.delete(`${orgId}\u0000${id}`);
  }
}
