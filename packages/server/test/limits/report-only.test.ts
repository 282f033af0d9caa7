import type { ErrorCode } from "@portcullis/core";
import { afterEach, describe, expect, it } from "vitest";
import { CallClient, refusedJoin } from "../calls/call-client.ts";
import { expectCode, type LiveServer, startCall, startLiveServer } from "../calls/live-server.ts";
import {
  bearer,
  body,
  createAssistant,
  createOrg,
  createPublicKey,
  expectError,
  type Json,
  webCall,
} from "../helpers.ts";
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
} from "./harness.ts";

let t: LimitsApp | undefined;
let server: LiveServer | undefined;
afterEach(async () => {
  await t?.close();
  await server?.close();
  t = undefined;
  server = undefined;
});

async function setUp(): Promise<{ app: LimitsApp; assistantId: string; otherAssistantId: string }> {
  t = await buildLimitsApp();
  return {
    app: t,
    assistantId: await scriptAssistant(t, t.org.privateKey, 60),
    otherAssistantId: await scriptAssistant(t, t.org.privateKey, 60),
  };
}

async function audit(app: LimitsApp, query: string): Promise<Json[]> {
  const res = await app.app.inject({ method: "GET", url: `/audit?${query}`, headers: bearer(app.org.privateKey) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Json[];
}

describe("report-only keys", () => {
  it("a refused origin is allowed and recorded as call.would-deny ORIGIN_NOT_ALLOWED", async () => {
    const { app, assistantId } = await setUp();
    const key = await limitedKey(app, { mode: "report-only", allowedAssistantIds: [assistantId] });
    const res = await webCall(app, key.value, { assistantId }, EVIL_ORIGIN);
    expect(res.statusCode, res.body).toBe(201);
    const rows = await audit(app, "event=call.would-deny");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event: "call.would-deny",
      reason: "ORIGIN_NOT_ALLOWED",
      keyId: key.id,
      origin: EVIL_ORIGIN,
      assistantId,
      ip: "127.0.0.1",
    });
    // The call itself is recorded as started, too.
    expect(await audit(app, `event=call.start&keyId=${key.id}`)).toHaveLength(1);
    expect(await audit(app, "event=call.deny")).toEqual([]);
  });

  it.each<[string, (ids: { assistantId: string; otherAssistantId: string }) => Json, string]>([
    ["another assistant", ({ otherAssistantId }) => ({ assistantId: otherAssistantId }), "ASSISTANT_NOT_ALLOWED"],
    ["an inline assistant", () => ({ assistant: { name: "Inline" } }), "TRANSIENT_ASSISTANT_NOT_ALLOWED"],
    [
      "a refused override",
      ({ assistantId }) => ({ assistantId, assistantOverrides: { firstMessage: "Hi" } }),
      "OVERRIDE_NOT_ALLOWED",
    ],
  ])("%s is allowed and recorded as would-deny %s", async (_name, payload, reason) => {
    const { app, assistantId, otherAssistantId } = await setUp();
    const key = await limitedKey(app, { mode: "report-only", allowedAssistantIds: [assistantId] });
    const res = await webCall(app, key.value, payload({ assistantId, otherAssistantId }));
    expect(res.statusCode, res.body).toBe(201);
    expect(await audit(app, "event=call.would-deny")).toMatchObject([{ reason, keyId: key.id, origin: APP_ORIGIN }]);
  });

  it("the same key in enforce mode refuses, and records call.deny", async () => {
    const { app, assistantId } = await setUp();
    const key = await limitedKey(app, { allowedAssistantIds: [assistantId] });
    expectError(await webCall(app, key.value, { assistantId }, EVIL_ORIGIN), "ORIGIN_NOT_ALLOWED");
    expect(await audit(app, "event=call.deny")).toMatchObject([{ reason: "ORIGIN_NOT_ALLOWED", keyId: key.id }]);
    expect(await audit(app, "event=call.would-deny")).toEqual([]);
  });

  it("stats count would-refuse apart from allowed and refused", async () => {
    const { app, assistantId } = await setUp();
    const key = await limitedKey(app, { mode: "report-only" });
    expect(tally(await startMany(app, 6, key.value, { assistantId }, EVIL_ORIGIN))).toEqual({ 201: 6 });
    expect(tally(await startMany(app, 3, key.value, { assistantId }))).toEqual({ 201: 3 });
    const stats = body(
      await app.app.inject({
        method: "GET",
        url: `/token/${key.id}/stats?window=1h`,
        headers: bearer(app.org.privateKey),
      }),
    );
    expect(stats.totals).toEqual({ allowed: 9, refused: 0, wouldRefuse: 6 });
    expect(stats.byReason).toEqual({ ORIGIN_NOT_ALLOWED: 6 });
    expect(stats.byOrigin).toMatchObject({
      [EVIL_ORIGIN]: { allowed: 6, wouldRefuse: 6, refused: 0 },
      [APP_ORIGIN]: { allowed: 3, wouldRefuse: 0, refused: 0 },
    });
  });

  it.each<[string, Json, ErrorCode]>([
    ["maxConcurrentCalls", { maxConcurrentCalls: 2 }, "CONCURRENCY_LIMIT"],
    ["rateLimits", { rateLimits: [{ requests: 2, windowSeconds: 60, per: "key" }] }, "RATE_LIMITED"],
    ["spendLimit", { spendLimit: { minutes: 2, period: "day" } }, "SPEND_LIMIT_REACHED"],
  ])("limits are still enforced: %s", async (_name, limits, code) => {
    const { app, assistantId } = await setUp();
    const key = await limitedKey(app, { mode: "report-only", ...limits });
    const answers = await startMany(app, 20, key.value, { assistantId }, EVIL_ORIGIN);
    expectExactly(answers, 2, code);
  });

  it("a disabled key is refused in report-only mode too", async () => {
    const { app, assistantId } = await setUp();
    const key = await limitedKey(app, { mode: "report-only", enabled: false });
    expectError(await webCall(app, key.value, { assistantId }, EVIL_ORIGIN), "KEY_DISABLED");
  });
});

describe("report-only and the WebSocket join", () => {
  async function live(): Promise<{ live: LiveServer; privateKey: string; assistantId: string }> {
    server = await startLiveServer();
    const org = await createOrg(server);
    const { id } = await createAssistant(server, org.privateKey, {
      name: "Greeter",
      firstMessage: "Hello.",
      model: { provider: "script", fallback: "Mm." },
    });
    return { live: server, privateKey: org.privateKey, assistantId: id };
  }

  it("the join is not held to the origin rules of a report-only key", async () => {
    const { live: s, privateKey, assistantId } = await live();
    const key = await createPublicKey(s, privateKey, { allowedOrigins: [APP_ORIGIN], mode: "report-only" });
    const started = await startCall(s, key.value, { assistantId }, EVIL_ORIGIN);
    const client = await CallClient.join(started.webCallUrl, EVIL_ORIGIN);
    await client.next("status-update", (f) => f.status === "in-progress");
    client.terminate();
  });

  it("an enforced key's join is (contrast)", async () => {
    const { live: s, privateKey, assistantId } = await live();
    const key = await createPublicKey(s, privateKey, { allowedOrigins: [APP_ORIGIN] });
    const started = await startCall(s, key.value, { assistantId }, APP_ORIGIN);
    expectCode(await refusedJoin(started.webCallUrl, EVIL_ORIGIN), "ORIGIN_NOT_ALLOWED");
  });
});
