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

describe("GET /call?keyId=", () => {
  let t: TestApp;
  let org: Org;
  beforeEach(async () => {
    t = await buildTestApp();
    org = await createOrg(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const get = (url: string, key = org.privateKey) => t.app.inject({ method: "GET", url, headers: bearer(key) });
  const ids = (res: Awaited<ReturnType<typeof get>>) => (res.json() as Json[]).map((c) => String(c.id));

  /** Five calls from two keys (k1, k2, k1, k1, k2), as their IDs newest first per key. */
  async function seed() {
    const assistant = await createAssistant(t, org.privateKey);
    const k1 = await createPublicKey(t, org.privateKey);
    const k2 = await createPublicKey(t, org.privateKey);
    const byKey = new Map<string, string[]>([
      [k1.id, []],
      [k2.id, []],
    ]);
    for (const key of [k1, k2, k1, k1, k2]) {
      const res = await webCall(t, key.value, { assistantId: assistant.id });
      expect(res.statusCode, res.body).toBe(201);
      byKey.get(key.id)?.unshift(String(body(res).id));
    }
    return { k1, k2, assistantId: assistant.id, byKey };
  }

  it("answers only the calls started with that key, newest first", async () => {
    const { k1, k2, byKey } = await seed();
    const one = await get(`/call?keyId=${k1.id}`);
    expect(one.statusCode, one.body).toBe(200);
    expect(ids(one)).toEqual(byKey.get(k1.id));
    expect(ids(await get(`/call?keyId=${k2.id}`))).toEqual(byKey.get(k2.id));
    expect((one.json() as Json[]).every((c) => c.keyId === k1.id)).toBe(true);
  });

  it("pages with the cursor inside the filter, without gaps or repeats", async () => {
    const { k1, byKey } = await seed();
    const first = await get(`/call?keyId=${k1.id}&limit=2`);
    expect(ids(first)).toEqual(byKey.get(k1.id)?.slice(0, 2));
    const cursor = first.headers["x-next-cursor"];
    expect(cursor).toBeDefined();
    const second = await get(`/call?keyId=${k1.id}&limit=2&cursor=${String(cursor)}`);
    expect(ids(second)).toEqual(byKey.get(k1.id)?.slice(2));
    expect(second.headers["x-next-cursor"]).toBeUndefined();
  });

  it("combines with assistantId", async () => {
    const { k1, assistantId, byKey } = await seed();
    expect(ids(await get(`/call?keyId=${k1.id}&assistantId=${assistantId}`))).toEqual(byKey.get(k1.id));
    expect(ids(await get(`/call?keyId=${k1.id}&assistantId=asst_other`))).toEqual([]);
  });

  it("another org's key, or a key that does not exist, matches nothing", async () => {
    const { k1 } = await seed();
    const stranger = await createOrg(t, "Stranger");
    const theirs = await get(`/call?keyId=${k1.id}`, stranger.privateKey);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json()).toEqual([]);
    expect(ids(await get("/call?keyId=key_doesnotexist"))).toEqual([]);
  });

  it.each(["", "asst_123", "key_", "key_has-dash", `key_${"a".repeat(70)}`, "KEY_abc"])(
    "refuses keyId=%j with VALIDATION_FAILED naming the field",
    async (value) => {
      expectError(await get(`/call?keyId=${encodeURIComponent(value)}`), "VALIDATION_FAILED", "querystring.keyId");
    },
  );
});
