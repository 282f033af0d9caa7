import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, body, createOrg, type Json } from "../helpers.ts";
import {
  APP_ORIGIN,
  buildLimitsApp,
  EVIL_ORIGIN,
  type LimitsApp,
  limitedKey,
  scriptAssistant,
  startMany,
  tally,
} from "./harness.ts";

const OTHER_EVIL = "https://phish.example";
/** Full refusal events kept per key between two flushes (DecisionRecorder). */
const SAMPLES_PER_KEY = 20;
/** Two keys are used (the private one and the flooded one), one "last used" write each per 5 s. */
const USAGE_MARKS_BOUND = 10;

let t: LimitsApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Rows written by the app's connection since it opened (SQLite's own count of inserts, updates, deletes). */
async function rowsWritten(app: LimitsApp): Promise<number> {
  const { rows } = await sql<{ n: number }>`select total_changes() as n`.execute(app.db);
  return Number(rows[0]?.n);
}

async function count(app: LimitsApp, table: "audit_events" | "decision_buckets", where = sql`1 = 1`) {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(
    app.db,
  );
  return Number(rows[0]?.n);
}

/** `total` refused starts in batches of 200 in parallel, `share` of them from `EVIL_ORIGIN`, the rest from OTHER_EVIL. */
async function flood(app: LimitsApp, key: string, assistantId: string, total: number, share: number) {
  for (let sent = 0; sent < total; sent += 200) {
    const answers = await startMany(app, 200, key, { assistantId }, (i) =>
      sent + i < share ? EVIL_ORIGIN : OTHER_EVIL,
    );
    expect(tally(answers)).toEqual({ ORIGIN_NOT_ALLOWED: 200 });
  }
}

describe("a flood of refusals", () => {
  it("2000 refused starts cost a bounded number of database writes, and the stats count every one", async () => {
    const app = await buildLimitsApp();
    t = app;
    const assistantId = await scriptAssistant(app, app.org.privateKey);
    const key = await limitedKey(app, {});
    const before = await rowsWritten(app);

    await flood(app, key.value, assistantId, 2000, 1500);
    // Nothing is written per refusal. The only writes so far are "last used" marks, one per key
    // every five seconds (UsageBuffer), however many requests came.
    const duringFlood = (await rowsWritten(app)) - before;
    expect(duringFlood).toBeLessThanOrEqual(USAGE_MARKS_BOUND);

    await app.app.decisions.flush();
    const samples = await count(app, "audit_events", sql`event = 'call.deny'`);
    const buckets = await count(app, "decision_buckets");
    expect(samples).toBe(SAMPLES_PER_KEY);
    // One row per (minute, outcome, reason, origin): two origins, one reason, at most two minutes.
    expect(buckets).toBeGreaterThanOrEqual(2);
    expect(buckets).toBeLessThanOrEqual(4);
    expect((await rowsWritten(app)) - before).toBeLessThanOrEqual(samples + buckets + USAGE_MARKS_BOUND);

    const stats = body(
      await app.app.inject({
        method: "GET",
        url: `/token/${key.id}/stats?window=1h`,
        headers: bearer(app.org.privateKey),
      }),
    );
    expect(stats).toMatchObject({ keyId: key.id, window: "1h", bucketSeconds: 60 });
    expect(stats.totals).toEqual({ allowed: 0, refused: 2000, wouldRefuse: 0 });
    expect(stats.byReason).toEqual({ ORIGIN_NOT_ALLOWED: 2000 });
    expect(stats.byOrigin).toEqual({
      [EVIL_ORIGIN]: { allowed: 0, refused: 1500, wouldRefuse: 0 },
      [OTHER_EVIL]: { allowed: 0, refused: 500, wouldRefuse: 0 },
    });
    const series = stats.buckets as Json[];
    expect(series).toHaveLength(60);
    expect(series.reduce((sum, b) => sum + Number(b.refused), 0)).toBe(2000);
    expect(series.at(-1)).toMatchObject({ refused: 2000, byReason: { ORIGIN_NOT_ALLOWED: 2000 } });
  });

  it("each flush adds at most the sample to the audit log; counts add up across flushes", async () => {
    const app = await buildLimitsApp();
    t = app;
    const assistantId = await scriptAssistant(app, app.org.privateKey);
    const key = await limitedKey(app, {});
    const other = await limitedKey(app, {});
    for (let round = 0; round < 3; round++) {
      await flood(app, key.value, assistantId, 400, 400);
      await flood(app, other.value, assistantId, 200, 200);
      await app.app.decisions.flush();
    }
    expect(await count(app, "audit_events", sql`event = 'call.deny' and key_id = ${key.id}`)).toBe(3 * SAMPLES_PER_KEY);
    expect(await count(app, "audit_events", sql`event = 'call.deny' and key_id = ${other.id}`)).toBe(
      3 * SAMPLES_PER_KEY,
    );
    // The same minute and origin: one row per key, whose count grows.
    expect(await count(app, "decision_buckets")).toBe(2);
    for (const [id, refused] of [
      [key.id, 1200],
      [other.id, 600],
    ] as const) {
      const stats = body(
        await app.app.inject({
          method: "GET",
          url: `/token/${id}/stats?window=24h`,
          headers: bearer(app.org.privateKey),
        }),
      );
      expect(stats.totals).toMatchObject({ refused });
      expect(stats.bucketSeconds).toBe(3600);
    }
  });

  it("stats show allowed and refused starts over time buckets, and forget what is outside the window", async () => {
    const app = await buildLimitsApp();
    t = app;
    const assistantId = await scriptAssistant(app, app.org.privateKey);
    const key = await limitedKey(app, {});
    expect(tally(await startMany(app, 3, key.value, { assistantId }))).toEqual({ 201: 3 });
    expect(tally(await startMany(app, 5, key.value, { assistantId }, EVIL_ORIGIN))).toEqual({ ORIGIN_NOT_ALLOWED: 5 });
    await app.app.decisions.flush();
    app.clock.advance(10 * 60_000);
    expect(tally(await startMany(app, 2, key.value, { assistantId }, EVIL_ORIGIN))).toEqual({ ORIGIN_NOT_ALLOWED: 2 });

    const read = async (window: string) =>
      body(
        await app.app.inject({
          method: "GET",
          url: `/token/${key.id}/stats?window=${window}`,
          headers: bearer(app.org.privateKey),
        }),
      );
    const hour = await read("1h");
    expect(hour.totals).toEqual({ allowed: 3, refused: 7, wouldRefuse: 0 });
    expect(hour.byOrigin).toEqual({
      [APP_ORIGIN]: { allowed: 3, refused: 0, wouldRefuse: 0 },
      [EVIL_ORIGIN]: { allowed: 0, refused: 7, wouldRefuse: 0 },
    });
    const filled = (hour.buckets as Json[]).filter((b) => Number(b.allowed) + Number(b.refused) > 0);
    expect(filled.map((b) => [b.allowed, b.refused])).toEqual([
      [3, 5],
      [0, 2],
    ]);
    app.clock.advance(2 * 3_600_000);
    expect((await read("1h")).totals).toEqual({ allowed: 0, refused: 0, wouldRefuse: 0 });
    expect((await read("24h")).totals).toEqual({ allowed: 3, refused: 7, wouldRefuse: 0 });
  });

  it("stats of another org's key are not found", async () => {
    const app = await buildLimitsApp();
    t = app;
    const key = await limitedKey(app, {});
    const other = await createOrg(app, "Other");
    const res = await app.app.inject({
      method: "GET",
      url: `/token/${key.id}/stats`,
      headers: bearer(other.privateKey),
    });
    expect(res.statusCode).toBe(404);
    expect(body(res).code).toBe("NOT_FOUND");
  });
});
