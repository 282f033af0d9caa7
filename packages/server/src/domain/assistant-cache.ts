import { LRUCache } from "lru-cache";
import type { AssistantRecord } from "../storage/records.ts";
import type { Store } from "../storage/store.ts";
import type { Clock } from "./clock.ts";

/**
 * Assistants read on the call-start path, cached per org and ID (absent ones too), for the key
 * cache's TTL and dropped at once when this process changes them. Keeps the authorization decision
 * free of database reads when the cache is warm.
 */
export class AssistantCache {
  private readonly entries: LRUCache<string, { assistant: AssistantRecord | undefined; expiresAt: number }>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    size = 10_000,
  ) {
    this.entries = new LRUCache({ max: size });
  }

  /** The cached answer without waiting: the assistant, `undefined` when it does not exist, or "miss". */
  peek(orgId: string, id: string): AssistantRecord | undefined | "miss" {
    const hit = this.entries.peek(`${orgId}\u0000${id}`);
    return hit && hit.expiresAt > this.clock.now() ? hit.assistant : "miss";
  }

  async get(orgId: string, id: string): Promise<AssistantRecord | undefined> {
    const cached = this.peek(orgId, id);
    if (cached !== "miss") return cached;
    const now = this.clock.now();
    const assistant = await this.store.getAssistant(orgId, id);
    this.entries.set(`${orgId}\u0000${id}`, { assistant, expiresAt: now + this.ttlMs });
    return assistant;
  }

  invalidate(orgId: string, id: string): void {
    this.entries.delete(`${orgId}\u0000${id}`);
  }
}
