import type { ErrorCode, RestrictionsInput } from "@portcullis/core";
import { createClientToken } from "@portcullis/node";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, body, expectError, type Json, webCall } from "../helpers.ts";
import { APP_ORIGIN, buildLimitsApp, type LimitsApp, scriptAssistant, userToken } from "./harness.ts";

let t: LimitsApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setUp(): Promise<LimitsApp> {
  t = await buildLimitsApp();
  return t;
}

const rule = { requests: 3, windowSeconds: 60, per: "ip" };

/** [restrictions, the field the refusal names, its code] — one row per way a new field can be wrong. */
const BAD: [string, Json, string, ErrorCode][] = [
  ["mode not in the list", { mode: "strict" }, "restrictions.mode", "VALIDATION_FAILED"],
  ["mode not a string", { mode: 1 }, "restrictions.mode", "VALIDATION_FAILED"],
  ["rateLimits not a list", { rateLimits: "30/min" }, "restrictions.rateLimits", "VALIDATION_FAILED"],
  [
    "rateLimits 0 requests",
    { rateLimits: [{ ...rule, requests: 0 }] },
    "restrictions.rateLimits[0].requests",
    "VALIDATION_FAILED",
  ],
  [
    "rateLimits fractional requests",
    { rateLimits: [rule, { ...rule, requests: 1.5 }] },
    "restrictions.rateLimits[1].requests",
    "VALIDATION_FAILED",
  ],
  [
    "rateLimits requests as text",
    { rateLimits: [{ ...rule, requests: "3" }] },
    "restrictions.rateLimits[0].requests",
    "VALIDATION_FAILED",
  ],
  [
    "rateLimits 0 s window",
    { rateLimits: [{ ...rule, windowSeconds: 0 }] },
    "restrictions.rateLimits[0].windowSeconds",
    "VALIDATION_FAILED",
  ],
  [
    "rateLimits window over a day",
    { rateLimits: [{ ...rule, windowSeconds: 86_401 }] },
    "restrictions.rateLimits[0].windowSeconds",
    "VALIDATION_FAILED",
  ],
  [
    "rateLimits unknown per",
    { rateLimits: [{ ...rule, per: "session" }] },
    "restrictions.rateLimits[0].per",
    "VALIDATION_FAILED",
  ],
  [
    "rateLimits without per",
    { rateLimits: [{ requests: 3, windowSeconds: 60 }] },
    "restrictions.rateLimits[0].per",
    "VALIDATION_FAILED",
  ],
  [
    "rateLimits unknown field",
    { rateLimits: [{ ...rule, burst: 2 }] },
    "restrictions.rateLimits[0].burst",
    "UNKNOWN_FIELD",
  ],
  [
    "rateLimits over 10 rules",
    { rateLimits: Array.from({ length: 11 }, () => rule) },
    "restrictions.rateLimits",
    "VALIDATION_FAILED",
  ],
  ["maxConcurrentCalls 0", { maxConcurrentCalls: 0 }, "restrictions.maxConcurrentCalls", "VALIDATION_FAILED"],
  ["maxConcurrentCalls negative", { maxConcurrentCalls: -1 }, "restrictions.maxConcurrentCalls", "VALIDATION_FAILED"],
  [
    "maxConcurrentCalls fractional",
    { maxConcurrentCalls: 2.5 },
    "restrictions.maxConcurrentCalls",
    "VALIDATION_FAILED",
  ],
  ["maxConcurrentCalls as text", { maxConcurrentCalls: "5" }, "restrictions.maxConcurrentCalls", "VALIDATION_FAILED"],
  [
    "maxConcurrentCalls too many",
    { maxConcurrentCalls: 100_001 },
    "restrictions.maxConcurrentCalls",
    "VALIDATION_FAILED",
  ],
  [
    "maxConcurrentCallsPerUser 0",
    { maxConcurrentCallsPerUser: 0 },
    "restrictions.maxConcurrentCallsPerUser",
    "VALIDATION_FAILED",
  ],
  [
    "maxConcurrentCallsPerUser null",
    { maxConcurrentCallsPerUser: null },
    "restrictions.maxConcurrentCallsPerUser",
    "VALIDATION_FAILED",
  ],
  ["spendLimit a number", { spendLimit: 60 }, "restrictions.spendLimit", "VALIDATION_FAILED"],
  [
    "spendLimit 0 minutes",
    { spendLimit: { minutes: 0, period: "day" } },
    "restrictions.spendLimit.minutes",
    "VALIDATION_FAILED",
  ],
  [
    "spendLimit fractional minutes",
    { spendLimit: { minutes: 0.5, period: "day" } },
    "restrictions.spendLimit.minutes",
    "VALIDATION_FAILED",
  ],
  [
    "spendLimit by the week",
    { spendLimit: { minutes: 60, period: "week" } },
    "restrictions.spendLimit.period",
    "VALIDATION_FAILED",
  ],
  ["spendLimit without period", { spendLimit: { minutes: 60 } }, "restrictions.spendLimit.period", "VALIDATION_FAILED"],
  [
    "spendLimit unknown field",
    { spendLimit: { minutes: 60, period: "day", currency: "usd" } },
    "restrictions.spendLimit.currency",
    "UNKNOWN_FIELD",
  ],
  [
    "userSpendLimit 0 minutes",
    { userSpendLimit: { minutes: 0, period: "month" } },
    "restrictions.userSpendLimit.minutes",
    "VALIDATION_FAILED",
  ],
  [
    "userSpendLimit by the year",
    { userSpendLimit: { minutes: 1, period: "year" } },
    "restrictions.userSpendLimit.period",
    "VALIDATION_FAILED",
  ],
  [
    "maxCallDurationSeconds under 10",
    { maxCallDurationSeconds: 9 },
    "restrictions.maxCallDurationSeconds",
    "VALIDATION_FAILED",
  ],
  [
    "maxCallDurationSeconds over 12 h",
    { maxCallDurationSeconds: 43_201 },
    "restrictions.maxCallDurationSeconds",
    "VALIDATION_FAILED",
  ],
  [
    "maxCallDurationSeconds as text",
    { maxCallDurationSeconds: "60" },
    "restrictions.maxCallDurationSeconds",
    "VALIDATION_FAILED",
  ],
  ["expiresAt a date only", { expiresAt: "2027-01-31" }, "restrictions.expiresAt", "VALIDATION_FAILED"],
  ["expiresAt words", { expiresAt: "tomorrow" }, "restrictions.expiresAt", "VALIDATION_FAILED"],
  ["expiresAt a number", { expiresAt: 1_800_000_000 }, "restrictions.expiresAt", "VALIDATION_FAILED"],
  ["requireChallenge as text", { requireChallenge: "yes" }, "restrictions.requireChallenge", "VALIDATION_FAILED"],
];

/** The limit fields a private key may not carry (org-wide limits bound it instead). */
const PUBLIC_ONLY: [string, Json][] = [
  ["mode", { mode: "report-only" }],
  ["rateLimits", { rateLimits: [rule] }],
  ["maxConcurrentCalls", { maxConcurrentCalls: 5 }],
  ["maxConcurrentCallsPerUser", { maxConcurrentCallsPerUser: 1 }],
  ["spendLimit", { spendLimit: { minutes: 60, period: "day" } }],
  ["userSpendLimit", { userSpendLimit: { minutes: 10, period: "day" } }],
  ["maxCallDurationSeconds", { maxCallDurationSeconds: 60 }],
  ["requireChallenge", { requireChallenge: true }],
];

const ALL_FIELDS: RestrictionsInput = {
  mode: "report-only",
  rateLimits: [
    { requests: 30, windowSeconds: 60, per: "key" },
    { requests: 3, windowSeconds: 60, per: "ip" },
  ],
  maxConcurrentCalls: 5,
  maxConcurrentCallsPerUser: 1,
  spendLimit: { minutes: 60, period: "day" },
  userSpendLimit: { minutes: 10, period: "month" },
  maxCallDurationSeconds: 300,
  requireChallenge: true,
};

describe("POST /token: the new restriction fields", () => {
  it.each(BAD)("%s → 400 naming the field", async (_name, restrictions, field, code) => {
    const app = await setUp();
    const res = await app.app.inject({
      method: "POST",
      url: "/token",
      headers: bearer(app.org.privateKey),
      payload: { tag: "public", restrictions },
    });
    expectError(res, code, field);
    const keys = await app.app.inject({ method: "GET", url: "/token", headers: bearer(app.org.privateKey) });
    expect((keys.json() as Json[]).map((k) => k.tag)).toEqual(["private"]);
  });

  it.each(PUBLIC_ONLY)("a private key with %s → 400 naming it", async (field, restrictions) => {
    const app = await setUp();
    const res = await app.app.inject({
      method: "POST",
      url: "/token",
      headers: bearer(app.org.privateKey),
      payload: { tag: "private", restrictions },
    });
    expectError(res, "VALIDATION_FAILED", `restrictions.${field}`);
  });

  it("keeps every valid field, writes expiresAt in UTC, and reads back what it stored", async () => {
    const app = await setUp();
    const created = await app.app.inject({
      method: "POST",
      url: "/token",
      headers: bearer(app.org.privateKey),
      payload: { tag: "public", restrictions: { ...ALL_FIELDS, expiresAt: "2030-06-01T02:00:00+02:00" } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const expected = { ...ALL_FIELDS, expiresAt: "2030-06-01T00:00:00.000Z" };
    expect(body(created).restrictions).toMatchObject(expected);
    const read = await app.app.inject({
      method: "GET",
      url: `/token/${body(created).id}`,
      headers: bearer(app.org.privateKey),
    });
    expect(body(read).restrictions).toMatchObject(expected);
  });

  it("a new key is in enforce mode by default; a private key may carry expiresAt", async () => {
    const app = await setUp();
    const made = await app.app.inject({
      method: "POST",
      url: "/token",
      headers: bearer(app.org.privateKey),
      payload: { tag: "private", restrictions: { expiresAt: "2030-01-01T00:00:00Z" } },
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(body(made).restrictions).toMatchObject({ mode: "enforce", expiresAt: "2030-01-01T00:00:00.000Z" });
  });
});

describe("PATCH /token: the same rules", () => {
  it.each(BAD.slice(0, 12))("%s → 400 naming the field", async (_name, restrictions, field, code) => {
    const app = await setUp();
    const made = await app.app.inject({
      method: "POST",
      url: "/token",
      headers: bearer(app.org.privateKey),
      payload: { tag: "public", restrictions: { maxConcurrentCalls: 2 } },
    });
    const res = await app.app.inject({
      method: "PATCH",
      url: `/token/${body(made).id}`,
      headers: bearer(app.org.privateKey),
      payload: { restrictions },
    });
    expectError(res, code, field);
    const read = await app.app.inject({
      method: "GET",
      url: `/token/${body(made).id}`,
      headers: bearer(app.org.privateKey),
    });
    expect(body(read).restrictions).toMatchObject({ maxConcurrentCalls: 2 });
  });

  it("a private key cannot be given a limit by PATCH", async () => {
    const app = await setUp();
    const res = await app.app.inject({
      method: "PATCH",
      url: `/token/${app.org.keyId}`,
      headers: bearer(app.org.privateKey),
      payload: { restrictions: { spendLimit: { minutes: 1, period: "day" } } },
    });
    expectError(res, "VALIDATION_FAILED", "restrictions.spendLimit");
  });
});

describe("PATCH /org: org-wide caps", () => {
  it.each<[string, Json, string]>([
    ["maxConcurrentCalls 0", { maxConcurrentCalls: 0 }, "maxConcurrentCalls"],
    ["maxConcurrentCalls as text", { maxConcurrentCalls: "5" }, "maxConcurrentCalls"],
    ["spendLimit 0 minutes", { spendLimit: { minutes: 0, period: "day" } }, "spendLimit.minutes"],
    ["spendLimit by the week", { spendLimit: { minutes: 10, period: "week" } }, "spendLimit.period"],
  ])("%s → 400 naming the field", async (_name, payload, field) => {
    const app = await setUp();
    const res = await app.app.inject({ method: "PATCH", url: "/org", headers: bearer(app.org.privateKey), payload });
    expectError(res, "VALIDATION_FAILED", field);
  });

  it("sets and removes (null) the org caps", async () => {
    const app = await setUp();
    const set = await app.app.inject({
      method: "PATCH",
      url: "/org",
      headers: bearer(app.org.privateKey),
      payload: { maxConcurrentCalls: 3, spendLimit: { minutes: 100, period: "month" } },
    });
    expect(body(set)).toMatchObject({ maxConcurrentCalls: 3, spendLimit: { minutes: 100, period: "month" } });
    const removed = await app.app.inject({
      method: "PATCH",
      url: "/org",
      headers: bearer(app.org.privateKey),
      payload: { maxConcurrentCalls: null, spendLimit: null },
    });
    expect(body(removed)).toMatchObject({ maxConcurrentCalls: null, spendLimit: null });
  });
});

describe("inside tokens: invalid → TOKEN_RESTRICTIONS_INVALID", () => {
  it.each(BAD)("%s", async (_name, restrictions) => {
    const app = await setUp();
    const assistantId = await scriptAssistant(app, app.org.privateKey);
    const res = await webCall(app, userToken(app, "user_1", restrictions), { assistantId }, APP_ORIGIN);
    expectError(res, "TOKEN_RESTRICTIONS_INVALID");
  });

  it.each(PUBLIC_ONLY)("a private-tag token with %s", async (_field, restrictions) => {
    const app = await setUp();
    const token = createClientToken({
      privateKey: app.org.privateKey,
      keyId: app.org.keyId,
      orgId: app.org.orgId,
      tag: "private",
      restrictions,
      now: Math.floor(app.clock.now() / 1000),
    });
    expectError(
      await app.app.inject({ method: "GET", url: "/token", headers: bearer(token) }),
      "TOKEN_RESTRICTIONS_INVALID",
    );
  });

  it("valid limit fields inside a token are accepted", async () => {
    const app = await setUp();
    const assistantId = await scriptAssistant(app, app.org.privateKey);
    const res = await webCall(
      app,
      userToken(app, "user_1", { ...ALL_FIELDS, mode: "enforce", requireChallenge: false }),
      { assistantId },
      APP_ORIGIN,
    );
    expect(res.statusCode, res.body).toBe(201);
  });
});
