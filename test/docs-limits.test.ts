import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createApp, createCipher, createOrgWithKey, KyselyStore, openSqlite } from "@portcullis/server";
import { describe, expect, it } from "vitest";

const doc = readFileSync(new URL("../docs/limits.md", import.meta.url), "utf8");
const example = /```json test="landing-page"\n([\s\S]*?)```/.exec(doc)?.[1];

describe("docs/limits.md worked example", () => {
  it("is a key the API accepts and enforces: origin, challenge, then 3 starts a minute per IP", async () => {
    expect(example).toBeDefined();
    const store = new KyselyStore(await openSqlite(":memory:"));
    const cipher = createCipher(randomBytes(32));
    const app = await createApp({
      store,
      cipher,
      config: { publicUrl: "http://localhost:8787", keyCacheSize: 100, keyCacheTtlSeconds: 30 },
    });
    const { privateKey } = await createOrgWithKey(store, cipher, { name: "Docs", at: new Date().toISOString() });
    const auth = { authorization: `Bearer ${privateKey}` };
    const assistant = await app.inject({
      method: "POST",
      url: "/assistant",
      headers: auth,
      payload: { name: "Landing" },
    });
    const restrictions = JSON.parse((example as string).replace("asst_landing", assistant.json().id));
    const created = await app.inject({
      method: "POST",
      url: "/token",
      headers: auth,
      payload: { tag: "public", restrictions },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().restrictions.spendLimit).toEqual({ minutes: 60, period: "day" });
    const start = (origin: string) =>
      app.inject({
        method: "POST",
        url: "/call/web",
        headers: { authorization: `Bearer ${created.json().value}`, origin },
        payload: { assistantId: assistant.json().id },
      });
    expect((await start("https://evil.example")).json().code).toBe("ORIGIN_NOT_ALLOWED");
    expect((await start("https://www.example.com")).json().code).toBe("CHALLENGE_REQUIRED");
    await app.close();
    await store.close();
  });
});
