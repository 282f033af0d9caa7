import { afterEach, describe, expect, it } from "vitest";
import { bearer, body, createPublicKey, expectError, webCall } from "../helpers.ts";
import {
  admitted,
  buildLimitsApp,
  endCall,
  expectExactly,
  keySpend,
  type LimitsApp,
  limitedKey,
  scriptAssistant,
  startMany,
  tally,
  userToken,
} from "./harness.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: LimitsApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setUp(maxDurationSeconds = 60): Promise<{ app: LimitsApp; assistantId: string }> {
  t = await buildLimitsApp();
  return { app: t, assistantId: await scriptAssistant(t, t.org.privateKey, maxDurationSeconds) };
}

describe("spendLimit per key", () => {
  it("60 s calls against 2 minutes a day: exactly 2 of 50 parallel starts", async () => {
    const { app, assistantId } = await setUp(60);
    const key = await limitedKey(app, { spendLimit: { minutes: 2, period: "day" } });
    const answers = await startMany(app, 50, key.value, { assistantId });
    expectExactly(answers, 2, "SPEND_LIMIT_REACHED");
    const refused = answers.find((res) => res.statusCode !== 201);
    if (refused) expectError(refused, "SPEND_LIMIT_REACHED");
    expect(admitted(answers).map((c) => c.maxDurationSeconds)).toEqual([60, 60]);
    expect(await keySpend(app, key.id)).toBe(120);
  });

  it("the last part of a cap is granted as a shorter call, limited by spend", async () => {
    const { app, assistantId } = await setUp(90);
    const key = await limitedKey(app, { spendLimit: { minutes: 2, period: "day" } });
    const first = await webCall(app, key.value, { assistantId });
    expect(body(first).maxDurationSeconds).toBe(90);
    const second = await webCall(app, key.value, { assistantId });
    expect(second.statusCode, second.body).toBe(201);
    expect(body(second).maxDurationSeconds).toBe(30);
    const stored = await app.store.findCall(String(body(second).id));
    expect(stored?.durationLimitedBy).toBe("spend-limit");
    expect((await app.store.findCall(String(body(first).id)))?.durationLimitedBy).toBeNull();
    expectError(await webCall(app, key.value, { assistantId }), "SPEND_LIMIT_REACHED");
    expect(await keySpend(app, key.id)).toBe(120);
  });

  it("parallel starts never reserve more than the cap, partial grants included", async () => {
    const { app, assistantId } = await setUp(90);
    const key = await limitedKey(app, { spendLimit: { minutes: 5, period: "day" } });
    const answers = await startMany(app, 40, key.value, { assistantId });
    const granted = admitted(answers).map((c) => Number(c.maxDurationSeconds));
    expect(granted.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(300);
    expect(granted.filter((s) => s === 90).length).toBe(3);
    expect(await keySpend(app, key.id)).toBe(granted.reduce((a, b) => a + b, 0));
  });

  it("less than 30 s left is refused, not granted", async () => {
    const { app } = await setUp();
    const long = await scriptAssistant(app, app.org.privateKey, 100);
    const key = await limitedKey(app, { spendLimit: { minutes: 2, period: "day" } });
    expect(body(await webCall(app, key.value, { assistantId: long })).maxDurationSeconds).toBe(100);
    // 20 s left: too short to be worth a call.
    expectError(await webCall(app, key.value, { assistantId: long }), "SPEND_LIMIT_REACHED");
  });

  it("unused seconds are given back when a call ends", async () => {
    const { app, assistantId } = await setUp(60);
    const key = await limitedKey(app, { spendLimit: { minutes: 2, period: "day" } });
    const calls = admitted(await startMany(app, 10, key.value, { assistantId }));
    expect(calls).toHaveLength(2);
    expect(await keySpend(app, key.id)).toBe(120);
    // A call ended before it was joined used nothing: all 60 s come back, and are usable at once.
    await endCall(app, String(calls[0]?.id));
    expect(await keySpend(app, key.id)).toBe(60);
    expectExactly(await startMany(app, 10, key.value, { assistantId }), 1, "SPEND_LIMIT_REACHED");
  });

  it("a refused start (another limit) holds no spend", async () => {
    const { app, assistantId } = await setUp(60);
    const key = await limitedKey(app, { spendLimit: { minutes: 10, period: "day" }, maxConcurrentCalls: 2 });
    expectExactly(await startMany(app, 30, key.value, { assistantId }), 2, "CONCURRENCY_LIMIT");
    expect(await keySpend(app, key.id)).toBe(120);
  });

  it("all holds of a call (key, user and org, concurrency and spend) come back when it ends", async () => {
    const { app, assistantId } = await setUp(60);
    await app.app.inject({
      method: "PATCH",
      url: "/org",
      headers: bearer(app.org.privateKey),
      payload: { maxConcurrentCalls: 1, spendLimit: { minutes: 1, period: "day" } },
    });
    const token = userToken(app, "dana", {
      maxConcurrentCalls: 1,
      maxConcurrentCallsPerUser: 1,
      spendLimit: { minutes: 1, period: "day" },
      userSpendLimit: { minutes: 1, period: "day" },
    });
    for (let round = 0; round < 5; round++) {
      const answers = await startMany(app, 10, token, { assistantId });
      expect(tally(answers)["201"]).toBe(1);
      await endCall(app, String(admitted(answers)[0]?.id));
    }
  });
});

describe("userSpendLimit", () => {
  it("each token sub has its own minutes; anonymous callers share one allowance", async () => {
    const { app, assistantId } = await setUp(60);
    const limits = { userSpendLimit: { minutes: 1, period: "day" as const } };
    const alice = userToken(app, "alice", limits);
    const bob = userToken(app, "bob", limits);
    const anonymous = Array.from({ length: 10 }, (_, i) =>
      userToken(app, undefined, { ...limits, maxCallDurationSeconds: 60 + i }),
    );
    const answers = await startMany(app, 30, (i) => (i < 10 ? alice : i < 20 ? bob : (anonymous[i - 20] as string)), {
      assistantId,
    });
    expectExactly(answers.slice(0, 10), 1, "SPEND_LIMIT_REACHED");
    expectExactly(answers.slice(10, 20), 1, "SPEND_LIMIT_REACHED");
    expectExactly(answers.slice(20), 1, "SPEND_LIMIT_REACHED");
  });
});

describe("org spendLimit (PATCH /org)", () => {
  it("bounds every key of the org together", async () => {
    const { app, assistantId } = await setUp(60);
    await app.app.inject({
      method: "PATCH",
      url: "/org",
      headers: bearer(app.org.privateKey),
      payload: { spendLimit: { minutes: 3, period: "day" } },
    });
    const a = await createPublicKey(app, app.org.privateKey);
    const b = await createPublicKey(app, app.org.privateKey);
    const answers = await startMany(app, 40, (i) => (i % 2 ? a.value : b.value), { assistantId });
    expectExactly(answers, 3, "SPEND_LIMIT_REACHED");
  });
});

describe("periods (UTC)", () => {
  it("a daily cap starts again on the next UTC day", async () => {
    const { app, assistantId } = await setUp(60);
    const key = await limitedKey(app, { spendLimit: { minutes: 1, period: "day" } });
    expectExactly(await startMany(app, 10, key.value, { assistantId }), 1, "SPEND_LIMIT_REACHED");
    // 23:00 → 23:59: still the same day.
    app.clock.advance(HOUR - 60_000);
    expectError(await webCall(app, key.value, { assistantId }), "SPEND_LIMIT_REACHED");
    // Past midnight UTC.
    app.clock.advance(2 * 60_000);
    expectExactly(await startMany(app, 10, key.value, { assistantId }), 1, "SPEND_LIMIT_REACHED");
  });

  it("a monthly cap holds across days and starts again on the first of the next month", async () => {
    const { app, assistantId } = await setUp(60);
    const key = await limitedKey(app, { spendLimit: { minutes: 1, period: "month" } });
    expectExactly(await startMany(app, 10, key.value, { assistantId }), 1, "SPEND_LIMIT_REACHED");
    app.clock.advance(2 * DAY);
    expectError(await webCall(app, key.value, { assistantId }), "SPEND_LIMIT_REACHED");
    // 2025-01-03T23:00 + 29 days: February.
    app.clock.advance(29 * DAY);
    expectExactly(await startMany(app, 10, key.value, { assistantId }), 1, "SPEND_LIMIT_REACHED");
  });

  it("a user's daily cap starts again the next day", async () => {
    const { app, assistantId } = await setUp(60);
    const limits = { userSpendLimit: { minutes: 1, period: "day" as const } };
    expectExactly(await startMany(app, 5, userToken(app, "erin", limits), { assistantId }), 1, "SPEND_LIMIT_REACHED");
    app.clock.advance(2 * HOUR);
    // The first token has expired by now; the backend mints a new one.
    expectExactly(await startMany(app, 5, userToken(app, "erin", limits), { assistantId }), 1, "SPEND_LIMIT_REACHED");
  });
});
