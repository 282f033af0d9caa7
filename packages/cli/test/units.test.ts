import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { bar, sparkline } from "../src/charts.ts";
import { rateLimitText } from "../src/commands/limits-view.ts";
import {
  collectRateLimit,
  durationIn,
  formatDuration,
  instant,
  momentAgo,
  refusalAlert,
  spendLimit,
} from "../src/units.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");

describe("durationIn", () => {
  const callDuration = durationIn(10, 43_200);
  it.each<[string, number]>([
    ["300", 300],
    ["30s", 30],
    ["5m", 300],
    ["5min", 300],
    ["1h", 3600],
    ["12h", 43_200],
    [" 2m ", 120],
  ])("%s → %i s", (text, seconds) => {
    expect(callDuration(text)).toBe(seconds);
  });

  it.each(["", "9", "9s", "13h", "1d", "-5m", "5 x", "1.5h", "5mins?", "m", "0x10", "1e3"])("refuses %j", (text) => {
    expect(() => callDuration(text)).toThrow(InvalidArgumentError);
  });
});

describe("collectRateLimit", () => {
  it.each<[string, { requests: number; windowSeconds: number; per: string }]>([
    ["30/60s:key", { requests: 30, windowSeconds: 60, per: "key" }],
    ["30/60", { requests: 30, windowSeconds: 60, per: "key" }],
    ["3/min:ip", { requests: 3, windowSeconds: 60, per: "ip" }],
    ["100/h:user", { requests: 100, windowSeconds: 3600, per: "user" }],
    ["5/10m:origin", { requests: 5, windowSeconds: 600, per: "origin" }],
    ["1000/day", { requests: 1000, windowSeconds: 86_400, per: "key" }],
  ])("%s", (text, rule) => {
    expect(collectRateLimit(text, undefined)).toEqual([rule]);
  });

  it("repeats into a list", () => {
    expect(collectRateLimit("3/min:ip", collectRateLimit("30/min", undefined))).toHaveLength(2);
  });

  it.each([
    "30",
    "30/",
    "/min",
    "0/min",
    "30/0s",
    "30/2d",
    "30/min:host",
    "30/min:ip:key",
    "30/min/ip",
    "1.5/min",
    "2000000/min",
  ])("refuses %j", (text) => {
    expect(() => collectRateLimit(text, undefined)).toThrow(InvalidArgumentError);
  });

  it.each<[string, string]>([
    ["30/60s:key", "30/min per key"],
    ["3/90s:ip", "3/90s per ip"],
    ["100/h:user", "100/h per user"],
    ["5/10m:origin", "5/10m per origin"],
  ])("reads back %s as %s", (text, shown) => {
    const [rule] = collectRateLimit(text, undefined);
    expect(rule && rateLimitText(rule)).toBe(shown);
  });
});

describe("spendLimit and refusalAlert", () => {
  it.each<[string, { minutes: number; period: string }]>([
    ["60/day", { minutes: 60, period: "day" }],
    ["600/month", { minutes: 600, period: "month" }],
    ["60 min/day", { minutes: 60, period: "day" }],
  ])("spend %s", (text, limit) => {
    expect(spendLimit(text)).toEqual(limit);
  });

  it.each(["60", "60/week", "0/day", "-1/day", "60/d", "1.5/day"])("refuses spend %j", (text) => {
    expect(() => spendLimit(text)).toThrow(InvalidArgumentError);
  });

  it("refusal alert 100/5m", () => {
    expect(refusalAlert("100/5m")).toEqual({ threshold: 100, windowSeconds: 300 });
    expect(refusalAlert("10/h")).toEqual({ threshold: 10, windowSeconds: 3600 });
  });

  it.each(["100", "100/30s", "100/2d", "0/5m"])("refuses alert %j", (text) => {
    expect(() => refusalAlert(text)).toThrow(InvalidArgumentError);
  });
});

describe("instant (--expires) and momentAgo (--since)", () => {
  it.each<[string, string]>([
    ["30d", "2026-01-31T00:00:00.000Z"],
    ["12h", "2026-01-01T12:00:00.000Z"],
    ["2027-01-01T00:00:00Z", "2027-01-01T00:00:00.000Z"],
    ["2027-01-01T02:00:00+02:00", "2027-01-01T00:00:00.000Z"],
    ["2027-01-01", "2027-01-01T00:00:00.000Z"],
  ])("expires %s", (text, iso) => {
    expect(instant(text, NOW)).toBe(iso);
  });

  it.each(["2025-12-31T00:00:00Z", "tomorrow", "86400", "2027-13-01T00:00:00Z", ""])("refuses expiry %j", (text) => {
    expect(() => instant(text, NOW)).toThrow(InvalidArgumentError);
  });

  it.each<[string, string]>([
    ["1h", "2025-12-31T23:00:00.000Z"],
    ["7d", "2025-12-25T00:00:00.000Z"],
    ["2025-12-01T00:00:00Z", "2025-12-01T00:00:00.000Z"],
    ["2025-12-01", "2025-12-01T00:00:00.000Z"],
  ])("since %s", (text, iso) => {
    expect(momentAgo(text, NOW)).toBe(iso);
  });

  it.each(["yesterday", "3600", "1.5h"])("refuses since %j", (text) => {
    expect(() => momentAgo(text, NOW)).toThrow(InvalidArgumentError);
  });
});

describe("charts", () => {
  it.each<[number[], string]>([
    [[0, 1, 4, 8], "·▁▄█"],
    [[0, 0, 0], "···"],
    [[1, 1000], "▁█"],
  ])("sparkline %j", (values, line) => {
    expect(sparkline(values)).toBe(line);
  });

  it("sparkline on a shared scale", () => {
    expect(sparkline([1, 2], 16)).toBe("▁▁");
  });

  it.each<[number, number, number, string]>([
    [4, 4, 4, "████"],
    [3, 4, 8, "██████"],
    [1, 16, 2, "▏"],
    [0, 4, 4, ""],
  ])("bar(%i of %i, width %i)", (value, max, width, drawn) => {
    expect(bar(value, max, width)).toBe(drawn);
  });

  it.each<[number, string]>([
    [45, "45s"],
    [300, "5m"],
    [5400, "90m"],
    [7200, "2h"],
    [86_400, "1d"],
  ])("formatDuration(%i)", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
