import type { Restrictions } from "@portcullis/core";
import { describe, expect, it } from "vitest";
import {
  applyRestrictionFlags,
  type RestrictionFlags,
  type RestrictionsBody,
  restrictionsFromFlags,
} from "../src/restriction-flags.ts";

const current: Restrictions = {
  enabled: true,
  allowedOrigins: ["https://app.example.com"],
  allowedAssistantIds: ["asst_1"],
  allowTransientAssistant: false,
  allowedOverrides: ["variableValues", "firstMessage"],
  mode: "enforce",
};

const limited: Restrictions = {
  ...current,
  mode: "report-only",
  rateLimits: [{ requests: 30, windowSeconds: 60, per: "key" }],
  maxConcurrentCalls: 5,
  maxConcurrentCallsPerUser: 1,
  spendLimit: { minutes: 60, period: "day" },
  userSpendLimit: { minutes: 10, period: "day" },
  maxCallDurationSeconds: 300,
  expiresAt: "2030-01-01T00:00:00.000Z",
  requireChallenge: true,
};

const without = (r: Restrictions, ...fields: (keyof Restrictions)[]) =>
  Object.fromEntries(Object.entries(r).filter(([field]) => !fields.includes(field as keyof Restrictions)));

describe("restrictionsFromFlags (keys create): only what was asked, defaults left to the server", () => {
  it.each<[string, RestrictionFlags, RestrictionsBody | undefined]>([
    ["no flags", {}, undefined],
    ["an origin", { origin: ["https://a.example"] }, { allowedOrigins: ["https://a.example"] }],
    ["--disabled", { disabled: true }, { enabled: false }],
    ["--no-allow-override", { allowOverride: false }, { allowedOverrides: [] }],
    ["--allow-transient", { allowTransient: true }, { allowTransientAssistant: true }],
    ["the default of a lone --no-origins is not a flag", { origins: true, assistants: true }, undefined],
    ["--report-only", { reportOnly: true }, { mode: "report-only" }],
    ["--enforce", { enforce: true }, { mode: "enforce" }],
    [
      "limits",
      {
        rateLimit: [{ requests: 3, windowSeconds: 60, per: "ip" }],
        maxConcurrent: 5,
        maxConcurrentPerUser: 1,
        spendLimit: { minutes: 60, period: "day" },
        userSpendLimit: { minutes: 10, period: "month" },
        maxCallDuration: 300,
        expires: "2030-01-01T00:00:00.000Z",
        requireChallenge: true,
      },
      {
        rateLimits: [{ requests: 3, windowSeconds: 60, per: "ip" }],
        maxConcurrentCalls: 5,
        maxConcurrentCallsPerUser: 1,
        spendLimit: { minutes: 60, period: "day" },
        userSpendLimit: { minutes: 10, period: "month" },
        maxCallDurationSeconds: 300,
        expiresAt: "2030-01-01T00:00:00.000Z",
        requireChallenge: true,
      },
    ],
    ["--no-require-challenge on create is the default", { requireChallenge: false }, undefined],
    ["the default of a lone --no-rate-limits is not a flag", { rateLimits: true }, undefined],
  ])("%s", (_, flags, expected) => {
    expect(restrictionsFromFlags(flags)).toEqual(expected);
  });
});

describe("applyRestrictionFlags (keys update): the whole object back, with the flags applied", () => {
  it.each<[string, RestrictionFlags, RestrictionsBody | undefined]>([
    ["no flags: restrictions untouched", { origins: true, assistants: true }, undefined],
    [
      "--origin replaces origins only",
      { origin: ["https://b.example"] },
      { ...current, allowedOrigins: ["https://b.example"] },
    ],
    ["--no-origins drops the rule", { origins: false }, (({ allowedOrigins: _, ...rest }) => rest)(current)],
    ["--no-assistants drops the rule", { assistants: false }, (({ allowedAssistantIds: _, ...rest }) => rest)(current)],
    ["--disable", { disable: true }, { ...current, enabled: false }],
    ["--enable", { enable: true }, { ...current, enabled: true }],
    ["--no-allow-transient", { allowTransient: false }, { ...current, allowTransientAssistant: false }],
    ["--allow-override replaces the list", { allowOverride: ["model"] }, { ...current, allowedOverrides: ["model"] }],
    ["--no-allow-override empties it", { allowOverride: false }, { ...current, allowedOverrides: [] }],
  ])("%s", (_, flags, expected) => {
    expect(applyRestrictionFlags(current, flags)).toEqual(expected);
  });

  it.each<[string, RestrictionFlags, RestrictionsBody]>([
    ["--enforce", { enforce: true }, { ...limited, mode: "enforce" }],
    [
      "--rate-limit replaces the list",
      { rateLimit: [{ requests: 3, windowSeconds: 60, per: "ip" }] },
      { ...limited, rateLimits: [{ requests: 3, windowSeconds: 60, per: "ip" }] },
    ],
    ["--no-rate-limits", { rateLimits: false }, without(limited, "rateLimits")],
    ["--no-max-concurrent", { maxConcurrent: false }, without(limited, "maxConcurrentCalls")],
    ["--no-max-concurrent-per-user", { maxConcurrentPerUser: false }, without(limited, "maxConcurrentCallsPerUser")],
    ["--no-spend-limit", { spendLimit: false }, without(limited, "spendLimit")],
    ["--no-user-spend-limit", { userSpendLimit: false }, without(limited, "userSpendLimit")],
    ["--no-max-call-duration", { maxCallDuration: false }, without(limited, "maxCallDurationSeconds")],
    ["--no-expires", { expires: false }, without(limited, "expiresAt")],
    ["--no-require-challenge", { requireChallenge: false }, without(limited, "requireChallenge")],
    ["--max-concurrent changes only that", { maxConcurrent: 9 }, { ...limited, maxConcurrentCalls: 9 }],
  ])("limits: %s", (_, flags, expected) => {
    expect(applyRestrictionFlags(limited, flags)).toEqual(expected);
  });

  it("a private key's restrictions go back without the default mode, which the server refuses on it", () => {
    const privateKey: Restrictions = {
      enabled: true,
      allowTransientAssistant: false,
      allowedOverrides: [],
      mode: "enforce",
    };
    expect(applyRestrictionFlags(privateKey, { expires: "2030-01-01T00:00:00.000Z" }, "private")).toEqual({
      enabled: true,
      allowTransientAssistant: false,
      allowedOverrides: [],
      expiresAt: "2030-01-01T00:00:00.000Z",
    });
  });

  it("keeps restriction fields it does not know, so a newer server's settings survive an update", () => {
    const newer = { ...current, maxCallsPerMinute: 10 } as Restrictions;
    expect(applyRestrictionFlags(newer, { disable: true })).toMatchObject({ maxCallsPerMinute: 10, enabled: false });
  });
});
