import type { DecisionCount, Reservation } from "../storage/records.ts";
import type { Store } from "../storage/store.ts";
import type { Webhooks } from "./webhooks.ts";

/** After a call reserved minutes, alert when a spend cap crosses 80% or 100% (once per cap and period). */
export async function checkSpendThresholds(
  store: Store,
  webhooks: Webhooks,
  orgId: string,
  keyId: string,
  reservations: readonly Reservation[],
  caps: ReadonlyMap<string, number>,
): Promise<void> {
  for (const r of reservations) {
    if (r.kind !== "spend") continue;
    const cap = caps.get(r.scope);
    if (!cap) continue;
    const used = await store.readCounter(r.scope);
    // A jump past both thresholds sends both; each is sent once per cap and period.
    for (const percent of [80, 100] as const)
      if (used >= (cap * percent) / 100)
        webhooks.notify(
          orgId,
          { type: "spend.threshold", keyId, scope: r.scope, percent, usedSeconds: used, capSeconds: cap },
          `${r.scope}:${percent}`,
        );
  }
}

/**
 * Watches refusal counts as they are flushed and alerts when one key's refusals within the org's
 * window reach its threshold (once per key and window).
 */
export class RefusalWatch {
  private readonly seen = new Map<string, { at: number; count: number }[]>();

  constructor(
    private readonly webhooks: Webhooks,
    private readonly settings: (
      orgId: string,
    ) => Promise<{ refusalAlertThreshold?: number; refusalAlertWindowSeconds?: number }>,
    private readonly now: () => number,
  ) {}

  async observe(counts: readonly DecisionCount[]): Promise<void> {
    const now = this.now();
    const perKey = new Map<string, { orgId: string; count: number }>();
    for (const c of counts) {
      if (c.outcome !== "refused") continue;
      const entry = perKey.get(c.keyId) ?? { orgId: c.orgId, count: 0 };
      entry.count += c.count;
      perKey.set(c.keyId, entry);
    }
    for (const [keyId, { orgId, count }] of perKey) {
      const { refusalAlertThreshold: threshold, refusalAlertWindowSeconds: windowSeconds = 300 } =
        await this.settings(orgId);
      if (!threshold) continue;
      const windowMs = windowSeconds * 1000;
      const history = (this.seen.get(keyId) ?? []).filter((h) => h.at > now - windowMs);
      history.push({ at: now, count });
      this.seen.set(keyId, history);
      const refused = history.reduce((sum, h) => sum + h.count, 0);
      if (refused >= threshold)
        this.webhooks.notify(
          orgId,
          { type: "refusals.threshold", keyId, refused, windowSeconds },
          `refusals:${keyId}:${Math.floor(now / windowMs)}`,
        );
    }
  }
}
