import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  bearer,
  body,
  buildTestApp,
  createAssistant,
  createOrg,
  createPublicKey,
  expectError,
  type Json,
  type Org,
  type TestApp,
  webCall,
} from "./helpers.ts";

let t: TestApp;
let org: Org;
beforeEach(async () => {
  t = await buildTestApp();
  org = await createOrg(t);
});
afterEach(async () => {
  await t.close();
});

const get = (url: string) => t.app.inject({ method: "GET", url, headers: bearer(org.privateKey) });

const FULL = {
  name: "Support",
  firstMessage: "Hello! How can I help?",
  model: {
    provider: "openai",
    model: "gpt-4o",
    messages: [{ role: "system", content: "You are helpful." }],
    temperature: 0.3,
    toolChoice: "auto",
  },
  voice: { provider: "11labs", voiceId: "rachel", stability: 0.5 },
  maxDurationSeconds: 1200,
  endCallMessage: "Goodbye.",
  endCallPhrases: ["bye"],
  metadata: { team: "support" },
};

describe("assistant CRUD", () => {
  it("creates with every Vapi-shaped field, keeping provider-specific fields", async () => {
    const created = await createAssistant(t, org.privateKey, FULL);
    expect(created.id).toMatch(/^asst_/);
    expect(created).toMatchObject({ ...FULL, orgId: org.orgId });
    expect(body(await get(`/assistant/${created.id}`))).toEqual(created);
  });

  it("defaults maxDurationSeconds to 600", async () => {
    const created = await createAssistant(t, org.privateKey, { name: "Short" });
    expect(created.maxDurationSeconds).toBe(600);
    expect(body(await get(`/assistant/${created.id}`)).maxDurationSeconds).toBe(600);
  });

  it.each([10, 600, 43_200])("accepts maxDurationSeconds %i (the bounds are inclusive)", async (seconds) => {
    const created = await createAssistant(t, org.privateKey, { maxDurationSeconds: seconds });
    expect(created.maxDurationSeconds).toBe(seconds);
  });

  it("PATCH replaces only the fields sent; a sent field replaces that whole field", async () => {
    const created = await createAssistant(t, org.privateKey, FULL);
    t.clock.advance(1000);
    const res = await t.app.inject({
      method: "PATCH",
      url: `/assistant/${created.id}`,
      headers: bearer(org.privateKey),
      payload: { name: "Renamed", model: { provider: "openai", model: "gpt-4o-mini" } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const updated = body(res);
    expect(updated).toEqual({
      ...created,
      name: "Renamed",
      model: { provider: "openai", model: "gpt-4o-mini" },
      updatedAt: updated.updatedAt,
    });
    expect(updated.updatedAt).not.toBe(created.updatedAt);
    expect(body(await get(`/assistant/${created.id}`))).toEqual(updated);
  });

  it("PATCH validates like POST and writes nothing when refused", async () => {
    const created = await createAssistant(t, org.privateKey, FULL);
    const res = await t.app.inject({
      method: "PATCH",
      url: `/assistant/${created.id}`,
      headers: bearer(org.privateKey),
      payload: { name: "Renamed", maxDurationSeconds: 5 },
    });
    expectError(res, "VALIDATION_FAILED", "maxDurationSeconds");
    expect(body(await get(`/assistant/${created.id}`))).toEqual(created);
  });

  it("DELETE removes it: reads 404 and web calls answer ASSISTANT_NOT_FOUND", async () => {
    const created = await createAssistant(t, org.privateKey);
    const key = await createPublicKey(t, org.privateKey);
    expect((await webCall(t, key.value, { assistantId: created.id })).statusCode).toBe(201);

    const res = await t.app.inject({
      method: "DELETE",
      url: `/assistant/${created.id}`,
      headers: bearer(org.privateKey),
    });
    expect(res.statusCode).toBe(200);
    expect(body(res).id).toBe(created.id);
    expectError(await get(`/assistant/${created.id}`), "NOT_FOUND");
    expectError(
      await t.app.inject({ method: "DELETE", url: `/assistant/${created.id}`, headers: bearer(org.privateKey) }),
      "NOT_FOUND",
    );
    expectError(await webCall(t, key.value, { assistantId: created.id }), "ASSISTANT_NOT_FOUND");
  });

  it("404s an assistant that never existed", async () => {
    expectError(await get("/assistant/asst_doesnotexist"), "NOT_FOUND");
    const res = await t.app.inject({
      method: "PATCH",
      url: "/assistant/asst_doesnotexist",
      headers: bearer(org.privateKey),
      payload: { name: "x" },
    });
    expectError(res, "NOT_FOUND");
  });
});

/** Follows `x-next-cursor` from `url` with `limit` and returns each page's IDs. */
async function pages(url: string, limit: number): Promise<string[][]> {
  const out: string[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const sep = url.includes("?") ? "&" : "?";
    const res = await get(`${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.statusCode, res.body).toBe(200);
    out.push((res.json() as Json[]).map((item) => String(item.id)));
    const next = res.headers["x-next-cursor"];
    if (next === undefined) return out;
    cursor = String(next);
  }
  throw new Error("pagination did not end");
}

describe("pagination", () => {
  it("GET /assistant pages newest first with limit and x-next-cursor, without gaps or repeats", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createAssistant(t, org.privateKey, { name: `A${i}` })).id);
    const newestFirst = [...ids].reverse();

    expect(await pages("/assistant", 2)).toEqual([
      newestFirst.slice(0, 2),
      newestFirst.slice(2, 4),
      newestFirst.slice(4),
    ]);
    expect(await pages("/assistant", 5)).toEqual([newestFirst]);
    expect(await pages("/assistant", 1000)).toEqual([newestFirst]);
  });

  it("a full last page has no cursor, and an empty list has none either", async () => {
    expect(await pages("/assistant", 10)).toEqual([[]]);
    for (let i = 0; i < 4; i++) await createAssistant(t, org.privateKey);
    const split = await pages("/assistant", 2);
    expect(split.map((page) => page.length)).toEqual([2, 2]);
  });

  it("GET /call pages newest first and filters by assistantId", async () => {
    const a = await createAssistant(t, org.privateKey, { name: "A" });
    const b = await createAssistant(t, org.privateKey, { name: "B" });
    const key = await createPublicKey(t, org.privateKey);
    const calls: { id: string; assistantId: string }[] = [];
    for (const assistantId of [a.id, b.id, a.id, a.id, b.id]) {
      const res = await webCall(t, key.value, { assistantId });
      expect(res.statusCode).toBe(201);
      calls.push({ id: String(body(res).id), assistantId });
    }
    const newestFirst = calls.map((c) => c.id).reverse();
    expect(await pages("/call", 2)).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);

    const onlyA = calls
      .filter((c) => c.assistantId === a.id)
      .map((c) => c.id)
      .reverse();
    expect((await pages(`/call?assistantId=${a.id}`, 2)).flat()).toEqual(onlyA);
  });

  it("another org's cursor does not reveal this org's items", async () => {
    for (let i = 0; i < 3; i++) await createAssistant(t, org.privateKey);
    const first = await get("/assistant?limit=1");
    const cursor = String(first.headers["x-next-cursor"]);
    const stranger = await createOrg(t, "Stranger");
    const res = await t.app.inject({
      method: "GET",
      url: `/assistant?limit=10&cursor=${cursor}`,
      headers: bearer(stranger.privateKey),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([]);
  });
});
