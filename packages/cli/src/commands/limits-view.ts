import type { RateLimitRule, Restrictions, SpendLimit } from "@portcullis/core";
import { truncate } from "../output.ts";
import { formatDuration } from "../units.ts";

const WINDOW_NAMES: Record<number, string> = { 1: "s", 60: "min", 3600: "h", 86400: "day" };

/** `30/min per key`, `3/90s per ip`: the way the flag is written, in words where it reads better. */
export function rateLimitText(rule: RateLimitRule): string {
  return `${rule.requests}/${WINDOW_NAMES[rule.windowSeconds] ?? formatDuration(rule.windowSeconds)} per ${rule.per}`;
}

export function spendText(limit: SpendLimit): string {
  return `${limit.minutes} min/${limit.period}`;
}

/** "in 3 days", "2 h ago": how far an instant is from now, roughly. */
export function fromNow(at: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(at) - now) / 1000);
  const size = Math.abs(seconds);
  const amount =
    size < 120
      ? `${size} s`
      : size < 7200
        ? `${Math.round(size / 60)} min`
        : size < 172_800
          ? `${Math.round(size / 3600)} h`
          : `${Math.round(size / 86_400)} days`;
  return seconds >= 0 ? `in ${amount}` : `${amount} ago`;
}

export function expiryText(expiresAt: string | undefined, now = Date.now()): string {
  if (!expiresAt) return "never";
  const past = Date.parse(expiresAt) <= now;
  return `${expiresAt} (${past ? `expired ${fromNow(expiresAt, now)}` : fromNow(expiresAt, now)})`;
}

const calls = (n: number) => `${n} call${n === 1 ? "" : "s"}`;

/** The limit lines of `keys show`: every field, "none" where unset, so what is open is plain. */
export function limitFields(r: Restrictions): [string, string][] {
  const rates = r.rateLimits ?? [];
  return [
    ["mode", r.mode === "report-only" ? "report-only (rule refusals are recorded, not enforced)" : "enforce"],
    ["rate limits", rates.length > 0 ? rates.map(rateLimitText).join(", ") : "none"],
    ["max concurrent", r.maxConcurrentCalls === undefined ? "no cap" : calls(r.maxConcurrentCalls)],
    [
      "max per user",
      r.maxConcurrentCallsPerUser === undefined ? "no cap" : `${calls(r.maxConcurrentCallsPerUser)} at once`,
    ],
    ["spend cap", r.spendLimit ? spendText(r.spendLimit) : "none"],
    ["user spend cap", r.userSpendLimit ? `${spendText(r.userSpendLimit)} per user` : "none"],
    [
      "max call",
      r.maxCallDurationSeconds === undefined
        ? "no ceiling"
        : `${formatDuration(r.maxCallDurationSeconds)} (${r.maxCallDurationSeconds} s)`,
    ],
    ["challenge", r.requireChallenge ? "required (proof of work per call)" : "not required"],
  ];
}

/** One short cell for `keys list`: the limits that are set, tersely, or "none"; `keys show` has them all. */
export function limitsBrief(r: Restrictions): string {
  const parts: string[] = [];
  const [first, ...more] = r.rateLimits ?? [];
  if (first) parts.push(`${rateLimitText(first).replace(" per ", "/")}${more.length > 0 ? ` +${more.length}` : ""}`);
  if (r.maxConcurrentCalls !== undefined) parts.push(`${r.maxConcurrentCalls} live`);
  if (r.maxConcurrentCallsPerUser !== undefined) parts.push(`${r.maxConcurrentCallsPerUser} live/user`);
  if (r.spendLimit) parts.push(`${r.spendLimit.minutes}m/${r.spendLimit.period}`);
  if (r.userSpendLimit) parts.push(`${r.userSpendLimit.minutes}m/${r.userSpendLimit.period}/user`);
  if (r.requireChallenge) parts.push("challenge");
  return parts.length > 0 ? truncate(parts.join(", "), 48) : "none";
}
