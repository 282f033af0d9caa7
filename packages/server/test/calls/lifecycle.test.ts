import { afterEach, describe, expect, it } from "vitest";
import type { CallRecord } from "../../src/storage/records.ts";
import { createAssistant, createOrg, createPublicKey, type Json, type Org } from "../helpers.ts";
import { CallClient } from "./call-client.ts";
import {
  APP_ORIGIN,
  endedCall,
  expectCode,
  type LiveServer,
  readCall,
  scaledScheduler,
  startCall,
  startLiveServer,
} from "./live-server.ts";

const GREETER = { name: "Greeter", firstMessage: "Hello.", model: { provider: "script", fallback: "Mm." } };

let server: LiveServer | undefined;
let org: Org;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setUp(options: Parameters<typeof startLiveServer>[0] = {}): Promise<LiveServer> {
  const live = await startLiveServer(options);
  server = live;
  org = await createOrg(live);
  return live;
}

async function joined(live: LiveServer, key: string, payload: Json) {
  const started = await startCall(live, key, payload);
  const client = await CallClient.join(started.webCallUrl, APP_ORIGIN);
  await client.next("status-update", (f) => f.status === "in-progress");
  return { ...started, client };
}

describe("maximum duration", () => {
  it("ends a call when the assistant's maxDurationSeconds is reached", async () => {
    // 10 s in 0.2 s (and the 60 s join window in 1.2 s).
    const live = await setUp({ schedule: scaledScheduler(1 / 50) });
    const { id: assistantId } = await createAssistant(live, org.privateKey, { ...GREETER, maxDurationSeconds: 10 });
    const key = await createPublicKey(live, org.privateKey, { allowedOrigins: [APP_ORIGIN] });
    const { id, client } = await joined(live, key.value, { assistantId });
    expect(await client.next("status-update", (f) => f.status === "ended")).toMatchObject({
      endedReason: "max-duration",
    });
    const call = await endedCall(live, org.privateKey, id);
    expect(call).toMatchObject({ endedReason: "max-duration", maxDurationSeconds: 10 });
  });

  it("refuses a maxDurationSeconds override unless the key allows it", async () => {
    const live = await setUp();
    const { id: assistantId } = await createAssistant(live, org.privateKey, GREETER);
    const key = await createPublicKey(live, org.privateKey, { allowedOrigins: [APP_ORIGIN] });
    const refused = await live.request("POST", "/call/web", {
      key: key.value,
      origin: APP_ORIGIN,
      payload: { assistantId, assistantOverrides: { maxDurationSeconds: 10 } },
    });
    expectCode(refused, "OVERRIDE_NOT_ALLOWED", "assistantOverrides.maxDurationSeconds");
    const calls = await live.request("GET", "/call", { key: org.privateKey });
    expect(calls.json()).toEqual([]);
  });

  it("runs an allowed override's maxDurationSeconds instead of the assistant's", async () => {
    const live = await setUp({ schedule: scaledScheduler(1 / 50) });
    // The assistant's default is 600 s (12 s here); the override makes it 10 s (0.2 s here).
    const { id: assistantId } = await createAssistant(live, org.privateKey, GREETER);
    const key = await createPublicKey(live, org.privateKey, {
      allowedOrigins: [APP_ORIGIN],
      allowedOverrides: ["variableValues", "maxDurationSeconds"],
    });
    const { id, call, client } = await joined(live, key.value, {
      assistantId,
      assistantOverrides: { maxDurationSeconds: 10 },
    });
    expect(call.maxDurationSeconds).toBe(10);
    expect(await client.next("status-update", (f) => f.status === "ended", 3_000)).toMatchObject({
      endedReason: "max-duration",
    });
    expect((await endedCall(live, org.privateKey, id)).endedReason).toBe("max-duration");
  });
});

describe("ending a call through the API", () => {
  it.each([
    ["DELETE", (id: string) => `/call/${id}`],
    ["POST", (id: string) => `/call/${id}/end`],
  ])("%s ends a live call as ended-via-api; a second time answers 409 CALL_NOT_LIVE", async (method, path) => {
    const live = await setUp();
    const { id: assistantId } = await createAssistant(live, org.privateKey, GREETER);
    const key = await createPublicKey(live, org.privateKey, { allowedOrigins: [APP_ORIGIN] });
    const { id, client } = await joined(live, key.value, { assistantId });
    await client.assistantSays();

    const ended = await live.request(method, path(id), { key: org.privateKey });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toMatchObject({ id, status: "ended", endedReason: "ended-via-api", messageCount: 1 });
    expect(await client.next("status-update", (f) => f.status === "ended")).toEqual({
      type: "status-update",
      status: "ended",
      endedReason: "ended-via-api",
    });
    expect((await client.closed).code).toBe(1000);

    expectCode(await live.request("DELETE", `/call/${id}`, { key: org.privateKey }), "CALL_NOT_LIVE");
    expectCode(await live.request("POST", `/call/${id}/end`, { key: org.privateKey }), "CALL_NOT_LIVE");
  });

  it("ends a call nobody joined yet, and its token no longer joins", async () => {
    const live = await setUp();
    const { id: assistantId } = await createAssistant(live, org.privateKey, GREETER);
    const key = await createPublicKey(live, org.privateKey, { allowedOrigins: [APP_ORIGIN] });
    const { id, webCallUrl } = await startCall(live, key.value, { assistantId });
    const ended = await live.request("POST", `/call/${id}/end`, { key: org.privateKey });
    expect(ended.json()).toMatchObject({ status: "ended", endedReason: "ended-via-api", startedAt: null });
    await expect(CallClient.join(webCallUrl, APP_ORIGIN)).rejects.toThrow(/HTTP 401/);
  });

  it("answers 404 for another org's call, which goes on", async () => {
    const live = await setUp();
    const other = await createOrg(live, "Other");
    const { id: assistantId } = await createAssistant(live, org.privateKey, GREETER);
    const key = await createPublicKey(live, org.privateKey, { allowedOrigins: [APP_ORIGIN] });
    const { id, client } = await joined(live, key.value, { assistantId });
    await client.assistantSays();

    expectCode(await live.request("DELETE", `/call/${id}`, { key: other.privateKey }), "NOT_FOUND");
    expectCode(await live.request("POST", `/call/${id}/end`, { key: other.privateKey }), "NOT_FOUND");
    expectCode(await live.request("GET", `/call/${id}`, { key: other.privateKey }), "NOT_FOUND");
    client.say("still there?");
    expect(await client.assistantSays()).toBe("Mm.");
    expect((await readCall(live, org.privateKey, id)).status).toBe("in-progress");
  });

  it("refuses a public key on the call record routes", async () => {
    const live = await setUp();
    const { id: assistantId } = await createAssistant(live, org.privateKey, GREETER);
    const key = await createPublicKey(live, org.privateKey, { allowedOrigins: [APP_ORIGIN] });
    const { id } = await joined(live, key.value, { assistantId });
    const refused = await live.request("DELETE", `/call/${id}`, { key: key.value, origin: APP_ORIGIN });
    expect(refused.statusCode).toBe(401);
    expect((await readCall(live, org.privateKey, id)).status).toBe("in-progress");
  });
});

describe("call events", () => {
  it("reports each joined call's start and end once, with its record", async () => {
    const live = await setUp();
    const started: CallRecord[] = [];
    const ended: CallRecord[] = [];
    live.app.calls.events.onStart((call) => started.push(call));
    live.app.calls.events.onEnd((call) => ended.push(call));
    const { id: assistantId } = await createAssistant(live, org.privateKey, GREETER);
    const key = await createPublicKey(live, org.privateKey, { allowedOrigins: [APP_ORIGIN] });

    const first = await joined(live, key.value, { assistantId, metadata: { n: 1 } });
    const second = await joined(live, key.value, { assistantId, metadata: { n: 2 } });
    expect(started.map((c) => [c.id, c.status, c.keyId, c.orgId])).toEqual([
      [first.id, "in-progress", key.id, org.orgId],
      [second.id, "in-progress", key.id, org.orgId],
    ]);
    expect(ended).toEqual([]);

    first.client.send({ type: "end-call" });
    await endedCall(live, org.privateKey, first.id);
    // Ending again (the API, a late close) reports nothing more.
    expectCode(await live.request("DELETE", `/call/${first.id}`, { key: org.privateKey }), "CALL_NOT_LIVE");
    second.client.terminate();
    await endedCall(live, org.privateKey, second.id);

    expect(ended.map((c) => [c.id, c.status, c.endedReason])).toEqual([
      [first.id, "ended", "customer-ended-call"],
      [second.id, "ended", "customer-ended-call"],
    ]);
    expect(ended[0]?.messages.map((m) => m.content)).toEqual(["Hello."]);
    expect(started).toHaveLength(2);
    expect(live.app.calls.liveCount).toBe(0);
  });

  it("reports the end of a call that timed out before anyone joined, and no start", async () => {
    const live = await setUp({ schedule: scaledScheduler(1 / 100) });
    const started: CallRecord[] = [];
    const ended: CallRecord[] = [];
    live.app.calls.events.onStart((call) => started.push(call));
    live.app.calls.events.onEnd((call) => ended.push(call));
    const { id: assistantId } = await createAssistant(live, org.privateKey, GREETER);
    const key = await createPublicKey(live, org.privateKey, { allowedOrigins: [APP_ORIGIN] });
    const { id } = await startCall(live, key.value, { assistantId });
    await endedCall(live, org.privateKey, id);
    expect(started).toEqual([]);
    expect(ended.map((c) => [c.id, c.endedReason])).toEqual([[id, "join-timeout"]]);
  });
});

describe("graceful shutdown", () => {
  it("tells live clients the call ended as server-shutdown and records it", async () => {
    const live = await setUp();
    const { id: assistantId } = await createAssistant(live, org.privateKey, GREETER);
    const key = await createPublicKey(live, org.privateKey, { allowedOrigins: [APP_ORIGIN] });
    const { id, client } = await joined(live, key.value, { assistantId });
    await client.assistantSays();
    const queued = await startCall(live, key.value, { assistantId });

    await live.app.close();
    expect(await client.next("status-update", (f) => f.status === "ended")).toEqual({
      type: "status-update",
      status: "ended",
      endedReason: "server-shutdown",
    });
    await client.closed;
    const call = await live.store.findCall(id);
    expect(call).toMatchObject({ status: "ended", endedReason: "server-shutdown" });
    expect(call?.messages.map((m) => m.content)).toEqual(["Hello."]);
    // A call nobody joined yet stays queued: its token may still be used after a restart.
    expect((await live.store.findCall(queued.id))?.status).toBe("queued");
    await live.store.close();
    server = undefined;
  });
});

describe("assistant validation", () => {
  it.each([
    [{ provider: "script", rules: [{ match: "(a+)+$", reply: "x" }] }, "model.rules[0].match"],
    [
      {
        provider: "script",
        rules: [
          { match: "ok", reply: "fine" },
          { match: "(x*)*y", reply: "x" },
        ],
      },
      "model.rules[1].match",
    ],
    [{ provider: "script", rules: [{ match: "([a-z", reply: "x" }] }, "model.rules[0].match"],
    [{ provider: "script", rules: [{ match: [], reply: "x" }] }, "model.rules[0].match"],
    [{ provider: "script", rules: [{ match: ["hi"] }] }, "model.rules[0].reply"],
    [{ provider: "nope" }, "model.provider"],
    [{ provider: "openai" }, "model.model"],
    [{ provider: "openai", model: "gpt-test", url: "ftp://example.com" }, "model.url"],
  ])("refuses model %j naming %s", async (model, field) => {
    const live = await setUp();
    const created = await live.request("POST", "/assistant", { key: org.privateKey, payload: { name: "Bad", model } });
    expectCode(created, "VALIDATION_FAILED", field);
    expect((await live.request("GET", "/assistant", { key: org.privateKey })).json()).toEqual([]);
  });

  it("refuses an unsafe regex in an inline assistant and in a PATCH too", async () => {
    const live = await setUp();
    const model = { provider: "script", rules: [{ match: "(a+)+$", reply: "x" }] };
    const key = await createPublicKey(live, org.privateKey, {
      allowedOrigins: [APP_ORIGIN],
      allowTransientAssistant: true,
    });
    const inline = await live.request("POST", "/call/web", {
      key: key.value,
      origin: APP_ORIGIN,
      payload: { assistant: { name: "Inline", model } },
    });
    expectCode(inline, "VALIDATION_FAILED", "model.rules[0].match");

    const { id } = await createAssistant(live, org.privateKey, GREETER);
    const patched = await live.request("PATCH", `/assistant/${id}`, { key: org.privateKey, payload: { model } });
    expectCode(patched, "VALIDATION_FAILED", "model.rules[0].match");
    expect((await live.request("GET", `/assistant/${id}`, { key: org.privateKey })).json().model).toEqual(
      GREETER.model,
    );
  });
});
