import type { LightMyRequestResponse } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { expectError, type Json } from "../helpers.ts";
import {
  APP_ORIGIN,
  buildLimitsApp,
  EVIL_ORIGIN,
  expectExactly,
  type LimitsApp,
  limitedKey,
  scriptAssistant,
  startMany,
  tally,
  userToken,
} from "./harness.ts";

let t: LimitsApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const STORES = [
  ["memory", false],
  ["SQLite", true],
] as const;

async function setUp(sqliteRates: boolean): Promise<{ app: LimitsApp; assistantId: string }> {
  t = await buildLimitsApp({ sqliteRates });
  return { app: t, assistantId: await scriptAssistant(t, t.org.privateKey, 60) };
}

/** `POST /call/web` from a given IP address and origin. */
function callFrom(app: LimitsApp, key: string, payload: Json, ip: string, origin = APP_ORIGIN) {
  return app.app.inject({
    method: "POST",
    url: "/call/web",
    remoteAddress: ip,
    headers: { authorization: `Bearer ${key}`, origin },
    payload,
  });
}

function expectRetryAfter(res: LightMyRequestResponse, windowSeconds: number): void {
  expectError(res, "RATE_LIMITED");
  const retryAfter = Number(res.headers["retry-after"]);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

describe.each(STORES)("rate limits (%s store)", (_store, sqliteRates) => {
  it("R per window allows exactly R of N parallel starts; the rest get 429 with Retry-After", async () => {
    const { app, assistantId } = await setUp(sqliteRates);
    const key = await limitedKey(app, { rateLimits: [{ requests: 7, windowSeconds: 60, per: "key" }] });
    const answers = await startMany(app, 50, key.value, { assistantId });
    expectExactly(answers, 7, "RATE_LIMITED");
    for (const res of answers.filter((r) => r.statusCode !== 201)) expectRetryAfter(res, 60);
  });

  it("per ip: each address has its own bucket", async () => {
    const { app, assistantId } = await setUp(sqliteRates);
    const key = await limitedKey(app, { rateLimits: [{ requests: 2, windowSeconds: 60, per: "ip" }] });
    const ips = ["203.0.113.1", "203.0.113.2", "2001:db8::7"];
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => callFrom(app, key.value, { assistantId }, ips[i % ips.length] as string)),
    );
    for (let index = 0; index < ips.length; index++)
      expectExactly(
        answers.filter((_, i) => i % ips.length === index),
        2,
        "RATE_LIMITED",
      );
  });

  it("per user: each token sub has its own bucket; anonymous callers share one", async () => {
    const { app, assistantId } = await setUp(sqliteRates);
    const limits = { rateLimits: [{ requests: 3, windowSeconds: 60, per: "user" as const }] };
    const alice = userToken(app, "alice", limits);
    const bob = userToken(app, "bob", limits);
    const anonymous = Array.from({ length: 10 }, (_, i) =>
      userToken(app, undefined, { ...limits, maxCallDurationSeconds: 10 + i }),
    );
    const answers = await startMany(app, 30, (i) => (i < 10 ? alice : i < 20 ? bob : (anonymous[i - 20] as string)), {
      assistantId,
    });
    expectExactly(answers.slice(0, 10), 3, "RATE_LIMITED");
    expectExactly(answers.slice(10, 20), 3, "RATE_LIMITED");
    expectExactly(answers.slice(20), 3, "RATE_LIMITED");
  });

  it("per origin: each allowed origin has its own bucket", async () => {
    const { app, assistantId } = await setUp(sqliteRates);
    const origins = ["https://a.example.com", "https://b.example.com"];
    const key = await limitedKey(app, {
      allowedOrigins: origins,
      rateLimits: [{ requests: 4, windowSeconds: 60, per: "origin" }],
    });
    const answers = await startMany(app, 40, key.value, { assistantId }, (i) => origins[i % 2] as string);
    expectExactly(
      answers.filter((_, i) => i % 2 === 0),
      4,
      "RATE_LIMITED",
    );
    expectExactly(
      answers.filter((_, i) => i % 2 === 1),
      4,
      "RATE_LIMITED",
    );
  });

  it("requests refused by the origin rule do not consume the rate limit", async () => {
    const { app, assistantId } = await setUp(sqliteRates);
    const key = await limitedKey(app, { rateLimits: [{ requests: 3, windowSeconds: 60, per: "key" }] });
    const refused = await startMany(app, 40, key.value, { assistantId }, EVIL_ORIGIN);
    expect(tally(refused)).toEqual({ ORIGIN_NOT_ALLOWED: 40 });
    expectExactly(await startMany(app, 20, key.value, { assistantId }), 3, "RATE_LIMITED");
  });

  it("every rule must pass: 10 per key and 2 per IP", async () => {
    const { app, assistantId } = await setUp(sqliteRates);
    const key = await limitedKey(app, {
      rateLimits: [
        { requests: 10, windowSeconds: 60, per: "key" },
        { requests: 2, windowSeconds: 60, per: "ip" },
      ],
    });
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => callFrom(app, key.value, { assistantId }, `198.51.100.${i % 20}`)),
    );
    // 20 addresses × 2 would be 40; the key's 10 is reached first.
    expect(tally(answers)["201"]).toBe(10);
  });

  it("a new window allows R again", async () => {
    const { app, assistantId } = await setUp(sqliteRates);
    const key = await limitedKey(app, { rateLimits: [{ requests: 2, windowSeconds: 1, per: "key" }] });
    expectExactly(await startMany(app, 10, key.value, { assistantId }), 2, "RATE_LIMITED");
    // rate-limiter-flexible keeps real time; a one-second window is the shortest there is.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expectExactly(await startMany(app, 10, key.value, { assistantId }), 2, "RATE_LIMITED");
  });
});
