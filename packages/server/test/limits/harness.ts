import { randomBytes } from "node:crypto";
import type { ErrorCode, RestrictionsInput } from "@portcullis/core";
import { createClientToken } from "@portcullis/node";
import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import type { Scheduler } from "../../src/calls/call-session.ts";
import { createApp, createCipher, KyselyStore } from "../../src/index.ts";
import { periodKey } from "../../src/limits/periods.ts";
import { openSqliteDatabase } from "../../src/storage/sqlite/open-sqlite.ts";
import {
  bearer,
  body,
  createAssistant,
  createOrg,
  createPublicKey,
  type Json,
  type Org,
  PUBLIC_URL,
  type TestApp,
  type TestClock,
  webCall,
} from "../helpers.ts";

export const APP_ORIGIN = "https://app.example.com";
export const EVIL_ORIGIN = "https://evil.example";
/** 2025-01-01T23:00:00Z: an hour before a UTC day ends, so a test can step into the next one. */
const START = Date.parse("2025-01-01T23:00:00.000Z");

export type LimitsApp = TestApp & { org: Org };

/**
 * A fresh app on its own in-memory SQLite database, clock and master key, with the options the
 * shared helpers do not take: rate-limit counters in SQLite (`sqliteRates`), a faster call
 * scheduler. Refusal aggregates are flushed by hand (`app.decisions.flush()`); the automatic
 * flush is set far away so counts are deterministic.
 */
export async function buildLimitsApp(
  options: { sqliteRates?: boolean; schedule?: Scheduler; start?: number } = {},
): Promise<LimitsApp> {
  const { db, sqlite } = await openSqliteDatabase(":memory:");
  const store = new KyselyStore(db);
  const cipher = createCipher(randomBytes(32));
  let now = options.start ?? START;
  const clock: TestClock = {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
  const app = await createApp({
    store,
    cipher,
    clock,
    config: { publicUrl: PUBLIC_URL, keyCacheSize: 1000, keyCacheTtlSeconds: 30 },
    decisionFlushMs: 3_600_000,
    ...(options.sqliteRates && { sqlite }),
    ...(options.schedule && { calls: { schedule: options.schedule } }),
  });
  await app.ready();
  const t: TestApp = {
    app,
    db,
    store,
    cipher,
    clock,
    async close() {
      await app.close();
      await store.close();
    },
  };
  return { ...t, org: await createOrg(t) };
}

/** A saved assistant that runs offline (script engine) with the given maximum duration. */
export async function scriptAssistant(t: TestApp, privateKey: string, maxDurationSeconds = 600): Promise<string> {
  const made = await createAssistant(t, privateKey, {
    name: "Greeter",
    firstMessage: "Hello.",
    model: { provider: "script", fallback: "Mm." },
    maxDurationSeconds,
  });
  return made.id;
}

/** A public key limited to APP_ORIGIN with the given extra restrictions. */
export async function limitedKey(
  t: LimitsApp,
  restrictions: RestrictionsInput,
): Promise<{ id: string; value: string }> {
  const key = await createPublicKey(t, t.org.privateKey, { allowedOrigins: [APP_ORIGIN], ...restrictions });
  return { id: key.id, value: key.value };
}

/** A public client token signed with the org's first private key, for user `sub` (anonymous when undefined). */
export function userToken(t: LimitsApp, sub: string | undefined, restrictions: RestrictionsInput = {}): string {
  return createClientToken({
    privateKey: t.org.privateKey,
    keyId: t.org.keyId,
    orgId: t.org.orgId,
    restrictions: { allowedOrigins: [APP_ORIGIN], ...restrictions } as Record<string, unknown>,
    ...(sub !== undefined && { userId: sub }),
    now: Math.floor(t.clock.now() / 1000),
    ttlSeconds: 3600,
  });
}

/** `n` call starts sent at once from `origin`; the answers in the order they were sent. */
export function startMany(
  t: TestApp,
  n: number,
  key: string | ((i: number) => string),
  payload: Json,
  origin: string | ((i: number) => string) = APP_ORIGIN,
): Promise<LightMyRequestResponse[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      webCall(t, typeof key === "string" ? key : key(i), payload, typeof origin === "string" ? origin : origin(i)),
    ),
  );
}

/** How many answers had each status code (refusals counted by their error code too). */
export function tally(answers: readonly LightMyRequestResponse[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const res of answers) {
    const name = res.statusCode === 201 ? "201" : String(body(res).code);
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

/** The answers that started a call. */
export const admitted = (answers: readonly LightMyRequestResponse[]): Json[] =>
  answers.filter((res) => res.statusCode === 201).map((res) => body(res));

/** Asserts every answer is a 201 or the refusal `code`, and that exactly `expected` were admitted. */
export function expectExactly(answers: readonly LightMyRequestResponse[], expected: number, code: ErrorCode): void {
  expect(tally(answers)).toEqual({
    ...(expected > 0 && { 201: expected }),
    ...(answers.length > expected && { [code]: answers.length - expected }),
  });
}

/** Ends a call with the private key (`DELETE /call/{id}`) and returns the ended call. */
export async function endCall(t: LimitsApp, id: string): Promise<Json> {
  const res = await t.app.inject({ method: "DELETE", url: `/call/${id}`, headers: bearer(t.org.privateKey) });
  expect(res.statusCode, res.body).toBe(200);
  return body(res);
}

/** The seconds reserved against a key's spend cap in the current period (day). */
export function keySpend(t: LimitsApp, keyId: string, period: "day" | "month" = "day"): Promise<number> {
  return t.store.readCounter(`spend:key:${keyId}:${periodKey(period, t.clock.now())}`);
}
