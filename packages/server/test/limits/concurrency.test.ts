import { afterEach, describe, expect, it } from "vitest";
import { bearer, body, createPublicKey, expectError, type Json, webCall } from "../helpers.ts";
import {
  APP_ORIGIN,
  admitted,
  buildLimitsApp,
  endCall,
  expectExactly,
  type LimitsApp,
  limitedKey,
  scriptAssistant,
  startMany,
  tally,
  userToken,
} from "./harness.ts";

const N = 50;
const K = 5;

let t: LimitsApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setUp(): Promise<{ app: LimitsApp; assistantId: string }> {
  t = await buildLimitsApp();
  return { app: t, assistantId: await scriptAssistant(t, t.org.privateKey, 60) };
}

/** Calls of the org that are not ended, read from the API. */
async function openCalls(app: LimitsApp): Promise<Json[]> {
  const res = await app.app.inject({ method: "GET", url: "/call?limit=1000", headers: bearer(app.org.privateKey) });
  return (res.json() as Json[]).filter((call) => call.status !== "ended");
}

describe("maxConcurrentCalls", () => {
  it(`${N} parallel starts against a cap of ${K} admit exactly ${K}`, async () => {
    const { app, assistantId } = await setUp();
    const key = await limitedKey(app, { maxConcurrentCalls: K });
    const answers = await startMany(app, N, key.value, { assistantId });
    expectExactly(answers, K, "CONCURRENCY_LIMIT");
    const refused = answers.find((res) => res.statusCode !== 201);
    if (refused) expectError(refused, "CONCURRENCY_LIMIT");
    expect(await openCalls(app)).toHaveLength(K);
    // A refused start holds nothing: the counter is the open calls, not the attempts.
    expect(await app.store.readCounter(`conc:key:${key.id}`)).toBe(K);
  });

  it("ending calls frees their slots at once", async () => {
    const { app, assistantId } = await setUp();
    const key = await limitedKey(app, { maxConcurrentCalls: K });
    const first = admitted(await startMany(app, N, key.value, { assistantId }));
    expect(first).toHaveLength(K);
    for (const call of first.slice(0, 2)) await endCall(app, String(call.id));
    const second = await startMany(app, N, key.value, { assistantId });
    expectExactly(second, 2, "CONCURRENCY_LIMIT");
    // One slot at a time: end one, start one, straight away.
    for (const call of admitted(second)) {
      await endCall(app, String(call.id));
      const next = await webCall(app, key.value, { assistantId });
      expect(next.statusCode, next.body).toBe(201);
    }
  });

  it("calls started and ended at the same time never exceed the cap", async () => {
    const { app, assistantId } = await setUp();
    const key = await limitedKey(app, { maxConcurrentCalls: K });
    let live = admitted(await startMany(app, K, key.value, { assistantId })).map((c) => String(c.id));
    expect(live).toHaveLength(K);
    let started = K;
    for (let round = 0; round < 8; round++) {
      // End two live calls while twenty starts race for the slots they free.
      const ending = live.slice(0, 2);
      const [starts] = await Promise.all([
        startMany(app, 20, key.value, { assistantId }),
        Promise.all(ending.map((id) => endCall(app, id))),
      ]);
      const fresh = admitted(starts).map((c) => String(c.id));
      expect(Object.keys(tally(starts)).every((code) => code === "201" || code === "CONCURRENCY_LIMIT")).toBe(true);
      live = [...live.filter((id) => !ending.includes(id)), ...fresh];
      started += fresh.length;
      expect(live.length).toBeLessThanOrEqual(K);
      const open = await openCalls(app);
      expect(open.length).toBeLessThanOrEqual(K);
      expect(open.map((c) => c.id).sort()).toEqual([...live].sort());
    }
    // Slots were really reused, and the counter ends where the open calls are.
    expect(started).toBeGreaterThan(K);
    for (const id of live) await endCall(app, id);
    expect(await app.store.readCounter(`conc:key:${key.id}`)).toBe(0);
    expectExactly(await startMany(app, N, key.value, { assistantId }), K, "CONCURRENCY_LIMIT");
  });
});

describe("maxConcurrentCallsPerUser", () => {
  it("counts each token sub apart; anonymous callers share one pool", async () => {
    const { app, assistantId } = await setUp();
    const limits = { maxConcurrentCallsPerUser: 2, maxConcurrentCalls: 100 };
    const tokens: Record<string, string> = {
      alice: userToken(app, "alice", limits),
      bob: userToken(app, "bob", limits),
    };
    // Anonymous: tokens without sub, each minted separately (different lifetimes, so different tokens).
    const anonymous = Array.from({ length: 10 }, (_, i) =>
      userToken(app, undefined, { ...limits, maxCallDurationSeconds: 10 + i }),
    );
    const who = (i: number) => (i < 10 ? "alice" : i < 20 ? "bob" : "anonymous");
    const answers = await startMany(
      app,
      30,
      (i) => (i < 20 ? (tokens[who(i)] as string) : (anonymous[i - 20] as string)),
      {
        assistantId,
      },
    );
    const byUser: Record<string, number> = {};
    answers.forEach((res, i) => {
      if (res.statusCode === 201) byUser[who(i)] = (byUser[who(i)] ?? 0) + 1;
      else expectError(res, "CONCURRENCY_LIMIT");
    });
    expect(byUser).toEqual({ alice: 2, bob: 2, anonymous: 2 });
    expect(admitted(answers).filter((c) => c.userId === "alice")).toHaveLength(2);
  });

  it("a public key's callers are anonymous and share the per-user pool", async () => {
    const { app, assistantId } = await setUp();
    const key = await limitedKey(app, { maxConcurrentCallsPerUser: 3 });
    expectExactly(await startMany(app, 20, key.value, { assistantId }), 3, "CONCURRENCY_LIMIT");
  });

  it("a user's slot comes back when their call ends", async () => {
    const { app, assistantId } = await setUp();
    const token = userToken(app, "carol", { maxConcurrentCallsPerUser: 1 });
    const [call] = admitted(await startMany(app, 5, token, { assistantId }));
    expectError(await webCall(app, token, { assistantId }), "CONCURRENCY_LIMIT");
    await endCall(app, String(call?.id));
    expect((await webCall(app, token, { assistantId })).statusCode).toBe(201);
  });
});

describe("org-wide maxConcurrentCalls (PATCH /org)", () => {
  it("bounds the calls of every key together", async () => {
    const { app, assistantId } = await setUp();
    const patched = await app.app.inject({
      method: "PATCH",
      url: "/org",
      headers: bearer(app.org.privateKey),
      payload: { maxConcurrentCalls: 3 },
    });
    expect(patched.statusCode).toBe(200);
    const a = await createPublicKey(app, app.org.privateKey);
    const b = await createPublicKey(app, app.org.privateKey);
    const answers = await startMany(app, 40, (i) => (i % 2 ? a.value : b.value), { assistantId });
    expectExactly(answers, 3, "CONCURRENCY_LIMIT");

    // Removing the cap (null) lets the next starts through.
    await app.app.inject({
      method: "PATCH",
      url: "/org",
      headers: bearer(app.org.privateKey),
      payload: { maxConcurrentCalls: null },
    });
    expect(tally(await startMany(app, 10, a.value, { assistantId }))).toEqual({ 201: 10 });
  });

  it("a key's own cap and the org's hold together: the smaller decides, and a refusal holds nothing", async () => {
    const { app, assistantId } = await setUp();
    await app.app.inject({
      method: "PATCH",
      url: "/org",
      headers: bearer(app.org.privateKey),
      payload: { maxConcurrentCalls: 4 },
    });
    const small = await limitedKey(app, { maxConcurrentCalls: 2 });
    const other = await createPublicKey(app, app.org.privateKey);
    expectExactly(await startMany(app, 20, small.value, { assistantId }), 2, "CONCURRENCY_LIMIT");
    expectExactly(await startMany(app, 20, other.value, { assistantId }, APP_ORIGIN), 2, "CONCURRENCY_LIMIT");
    expect(await app.store.readCounter(`conc:org:${app.org.orgId}`)).toBe(4);
    expect(await app.store.readCounter(`conc:key:${small.id}`)).toBe(2);
    expect(body(await webCall(app, small.value, { assistantId })).code).toBe("CONCURRENCY_LIMIT");
  });
});
