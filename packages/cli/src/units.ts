import type { RateLimitRule, SpendLimit } from "@portcullis/core";
import { InvalidArgumentError } from "commander";

// Parsers for the flag values people type: durations, rates, caps and instants. Each throws
// commander's InvalidArgumentError, so a bad value is a usage error (exit 2) naming the flag.

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hour: 3600,
  hours: 3600,
  d: 86_400,
  day: 86_400,
  days: 86_400,
};

/** Seconds in `text` (`90`, `30s`, `5m`, `1h`, `7d`); with `bareUnit`, also `min` or `h` alone (one of it). */
function readDuration(text: string, bareUnit = false): number | undefined {
  const match = /^(\d{1,9})?\s*([a-z]*)$/.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const [, count, unit = ""] = match;
  if (count === undefined && !(bareUnit && unit)) return undefined;
  const scale = unit === "" ? 1 : UNIT_SECONDS[unit];
  return scale === undefined ? undefined : Number(count ?? 1) * scale;
}

/** A duration written back the short way: 300 → "5m", 5400 → "90m", 45 → "45s". */
export function formatDuration(seconds: number): string {
  for (const [unit, scale] of [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
  ] as const)
    if (seconds >= scale && seconds % scale === 0) return `${seconds / scale}${unit}`;
  return `${seconds}s`;
}

const range = (min: number, max: number) => `from ${formatDuration(min)} to ${formatDuration(max)}`;

/**
 * An argParser for a duration between `min` and `max` seconds.
 *
 * @example
 * durationIn(10, 43_200)("5m"); // 300
 */
export function durationIn(min: number, max: number) {
  return (value: string): number => {
    const seconds = readDuration(value);
    if (seconds === undefined || seconds < min || seconds > max)
      throw new InvalidArgumentError(`expected whole seconds or a duration like 30s, 5m, 1h, ${range(min, max)}.`);
    return seconds;
  };
}

/** An argParser for a whole number from `min` to `max`. */
export function integerIn(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return Number(value);
  };
}

const PER = ["key", "ip", "user", "origin"] as const;

/**
 * `--rate-limit`: `<requests>/<window>[:<per>]`, repeatable; `per` defaults to the key.
 *
 * @example
 * collectRateLimit("3/min:ip", []); // [{ requests: 3, windowSeconds: 60, per: "ip" }]
 */
export function collectRateLimit(value: string, previous: unknown): RateLimitRule[] {
  const [rate = "", per = "key", extra] = value.split(":");
  const [count = "", window = "", rest] = rate.split("/");
  const windowSeconds = readDuration(window, true);
  if (
    extra !== undefined ||
    rest !== undefined ||
    !/^\d{1,7}$/.test(count) ||
    Number(count) < 1 ||
    Number(count) > 1_000_000 ||
    windowSeconds === undefined ||
    windowSeconds < 1 ||
    windowSeconds > 86_400 ||
    !(PER as readonly string[]).includes(per)
  )
    throw new InvalidArgumentError(
      `expected <requests>/<window>[:${PER.join("|")}], e.g. 30/60s:key, 3/min:ip or 100/h:user (1 to 1000000 requests, a window up to 1d).`,
    );
  const rule: RateLimitRule = { requests: Number(count), windowSeconds, per: per as RateLimitRule["per"] };
  return [...(Array.isArray(previous) ? previous : []), rule];
}

/** A spend cap, `<minutes>/<day|month>`: call minutes per UTC day or month. */
export function spendLimit(value: string): SpendLimit {
  const match = /^(\d{1,8})\s*(?:min(?:utes)?)?\s*\/\s*(day|month)$/.exec(value.trim().toLowerCase());
  const minutes = Number(match?.[1]);
  if (!match || minutes < 1 || minutes > 10_000_000)
    throw new InvalidArgumentError("expected <minutes>/<day|month>, e.g. 60/day or 600/month (1 to 10000000 minutes).");
  return { minutes, period: match[2] as SpendLimit["period"] };
}

/** `--refusal-alert 100/5m`: alert when one key is refused this many times within the window (1m to 1d). */
export function refusalAlert(value: string): { threshold: number; windowSeconds: number } {
  const [count = "", window = "", rest] = value.split("/");
  const windowSeconds = readDuration(window, true);
  if (
    rest !== undefined ||
    !/^\d{1,8}$/.test(count) ||
    Number(count) < 1 ||
    Number(count) > 10_000_000 ||
    windowSeconds === undefined ||
    windowSeconds < 60 ||
    windowSeconds > 86_400
  )
    throw new InvalidArgumentError("expected <refusals>/<window>, e.g. 100/5m (a window from 1m to 1d).");
  return { threshold: Number(count), windowSeconds };
}

/**
 * An instant, as the ISO date-time the API stores: an ISO date-time, a date (midnight UTC), or a
 * duration from `now` (`30d`, `12h`). Instants in the past are refused: to stop a key now, disable
 * or revoke it.
 *
 * @example
 * instant("30d", Date.parse("2026-01-01T00:00:00Z")); // "2026-01-31T00:00:00.000Z"
 */
export function instant(value: string, now = Date.now()): string {
  const seconds = readDuration(value);
  let at: number;
  if (seconds !== undefined && /[a-z]$/i.test(value.trim())) at = now + seconds * 1000;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(value)) at = Date.parse(`${value}T00:00:00Z`);
  else if (/^\d{4}-\d{2}-\d{2}T/.test(value)) at = Date.parse(value);
  else at = Number.NaN;
  if (Number.isNaN(at))
    throw new InvalidArgumentError("expected an ISO date-time (2027-01-01T00:00:00Z), a date, or a duration like 30d.");
  if (at <= now)
    throw new InvalidArgumentError(
      "that is in the past; to stop a key now, use --disable or 'portcullis keys revoke'.",
    );
  return new Date(at).toISOString();
}

/**
 * A moment to filter by: an ISO date-time, or a duration meaning that long ago (`--since 1h`).
 * Unlike {@link instant}, the past is the point.
 */
export function momentAgo(value: string, now = Date.now()): string {
  const seconds = readDuration(value);
  let at: number;
  if (seconds !== undefined && /[a-z]$/i.test(value.trim())) at = now - seconds * 1000;
  else if (/^\d{4}-\d{2}-\d{2}(T|$)/.test(value)) at = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  else at = Number.NaN;
  if (Number.isNaN(at))
    throw new InvalidArgumentError("expected a duration ago (30m, 1h, 7d) or an ISO date-time (2026-05-01T00:00:00Z).");
  return new Date(at).toISOString();
}
