import { LRUCache } from "lru-cache";
import type { OrgSettings } from "../storage/records.ts";
import type { Store } from "../storage/store.ts";
import type { Clock } from "./clock.ts";

/** Org settings read on the call-start path, cached for the key-cache TTL and dropped on change. */
export class OrgSettingsCache {
  private readonly entries: LRUCache<string, { settings: OrgSettings; expiresAt: number }>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    size = 10_000,
  ) {
    this.entries = new LRUCache({ max: size });
  }

  async get(orgId: string): Promise<OrgSettings> {
    const now = this.clock.now();
    const hit = this.entries.peek(orgId);
    if (hit && hit.expiresAt > now) return hit.settings;
    const settings = (await this.store.getOrg(orgId))?.settings ?? {};
    this.entries.set(orgId, { settings, expiresAt: now + this.ttlMs });
    return settings;
  }

  invalidate(orgId: string): void {
    this.entries.delete(orgId);
  }
}
