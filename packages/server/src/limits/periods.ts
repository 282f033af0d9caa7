import type { SpendLimit } from "@portcullis/core";

/**
 * The UTC period a spend counter belongs to, e.g. "d2026-11-28" or "m2026-11". A new period is a new
 * counter, so caps reset without any sweeping job.
 *
 * @example
 * periodKey("day", Date.parse("2026-11-28T23:59:59Z")); // "d2026-11-28"
 */
export function periodKey(period: SpendLimit["period"], nowMs: number): string {
  const iso = new Date(nowMs).toISOString();
  return period === "day" ? `d${iso.slice(0, 10)}` : `m${iso.slice(0, 7)}`;
}
