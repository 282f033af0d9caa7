import { createHash } from "node:crypto";
import { normalizeRestrictions, type Restrictions } from "@portcullis/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mintKey } from "../src/domain/keys.ts";
import {
  bearer,
  body,
  buildTestApp,
  createAssistant,
  createKey,
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
const patch = (id: string, payload: Json) =>
  t.app.inject({ method: "PATCH", url: `/token/${id}`, headers: bearer(org.privateKey), payload });

/** The defaults of issue 2's restrictions; later issues may add fields beside them, each with its own default. */
const DEFAULT_PUBLIC = { enabled: true, allowTransientAssistant: false, allowedOverrides: ["variableValues"] };

/** A public key's restrictions when nothing was asked for, as this server answers them. */
async function defaultRestrictions(): Promise<Json> {
  const key = await createPublicKey(t, org.privateKey);
  return key.restrictions as Json;
}

describe("key values", () => {
  it.each([
    ["private", /^pcsk_[0-9A-Za-z]{39}$/],
    ["public", /^pcpk_[0-9A-Za-z]{39}$/],
  ] as const)("a %s key has the product prefix and 44 base62 characters", async (tag, shape) => {
    const key = await createKey(t, org.privateKey, { tag });
    expect(key.value).toMatch(shape);
    expect(key.value).toHaveLength(44);
    expect(key.id).toMatch(/^key_/);
    expect(key.tag).toBe(tag);
    expect(key.displayPrefix).toBe(key.value.slice(0, 9));
  });

  it("defaults to a private key", async () => {
    const key = await createKey(t, org.privateKey, {});
    expect(key.tag).toBe("private");
    expect(key.value).toMatch(/^pcsk_/);
  });

  it("returns a private key's value only in the create response", async () => {
    const key = await createKey(t, org.privateKey, { tag: "private", name: "Backend" });
    expect(key.value).toMatch(/^pcsk_/);

    const one = await get(`/token/${key.id}`);
    expect(one.statusCode).toBe(200);
    expect(body(one).value).toBeUndefined();
    expect(one.body).not.toContain(key.value);

    const list = await get("/token");
    expect(list.body).not.toContain(key.value);
    expect(list.body).not.toContain(org.privateKey);
    for (const item of list.json() as Json[]) if (item.tag === "private") expect(item.value).toBeUndefined();

    const patched = await patch(key.id, { name: "Renamed" });
    expect(patched.body).not.toContain(key.value);
    const deleted = await t.app.inject({ method: "DELETE", url: `/token/${key.id}`, headers: bearer(org.privateKey) });
    expect(deleted.body).not.toContain(key.value);
  });

  it("lets the owner read a public key's value again, in GET and in the list", async () => {
    const key = await createPublicKey(t, org.privateKey);
    expect(body(await get(`/token/${key.id}`)).value).toBe(key.value);
    const listed = (await get("/token")).json() as Json[];
    expect(listed.find((item) => item.id === key.id)?.value).toBe(key.value);
  });

  it("the created key works at once", async () => {
    const key = await createKey(t, org.privateKey, { tag: "private" });
    expect((await t.app.inject({ method: "GET", url: "/token", headers: bearer(key.value) })).statusCode).toBe(200);
  });

  it.each(["private", "public"] as const)(
    "stores a %s key only as its SHA-256, a display prefix and a ciphertext",
    async (tag) => {
      const key = await createKey(t, org.privateKey, { tag });
      const row = await t.db.selectFrom("api_keys").selectAll().where("id", "=", key.id).executeTakeFirstOrThrow();
      expect(row.hash).toBe(createHash("sha256").update(key.value).digest("hex"));
      expect(row.display_prefix).toBe(key.value.slice(0, 9));
      // No column holds the value, nor its random part.
      const secretPart = key.value.slice(9);
      for (const [column, stored] of Object.entries(row)) {
        expect(String(stored), column).not.toContain(secretPart);
      }
      expect(row.encrypted_value).not.toContain(key.value);
      // The ciphertext opens, bound to this key's ID, to the value: it is encryption, not a copy.
      expect(t.cipher.open(row.encrypted_value, key.id)).toBe(key.value);
      expect(() => t.cipher.open(row.encrypted_value, "key_other")).toThrow();
    },
  );
});

describe("create and read", () => {
  it("creates a public key with default restrictions (no transient assistants)", async () => {
    const key = await createPublicKey(t, org.privateKey);
    expect(key.restrictions).toMatchObject(DEFAULT_PUBLIC);
    // No origin or assistant rule unless asked for.
    expect(key.restrictions).not.toHaveProperty("allowedOrigins");
    expect(key.restrictions).not.toHaveProperty("allowedAssistantIds");
    expect(key.orgId).toBe(org.orgId);
    expect(key.name).toBe("Browser key");
  });

  it("canonicalizes and de-duplicates origin rules when saved", async () => {
    const key = await createPublicKey(t, org.privateKey, {
      allowedOrigins: ["HTTPS://App.Example.com:443/", "https://app.example.com", "https://*.Example.com"],
    });
    expect((key.restrictions as Json).allowedOrigins).toEqual(["https://app.example.com", "https://*.example.com"]);
  });

  it("treats empty or null lists as no rule", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: [], allowedAssistantIds: null });
    expect(key.restrictions).toEqual(await defaultRestrictions());
  });

  it("GET /token lists the org's live keys, newest first", async () => {
    t.clock.advance(1000);
    const first = await createPublicKey(t, org.privateKey);
    t.clock.advance(1000);
    const second = await createKey(t, org.privateKey, { tag: "private" });
    const ids = ((await get("/token")).json() as Json[]).map((item) => item.id);
    expect(ids).toEqual([second.id, first.id, org.keyId]);
  });

  it("GET /token/:id of an unknown key is 404 NOT_FOUND", async () => {
    expectError(await get("/token/key_doesnotexist"), "NOT_FOUND");
  });
});

describe("PATCH /token/:id", () => {
  it("keeps absent top-level fields: a rename keeps the restrictions", async () => {
    const key = await createPublicKey(t, org.privateKey, {
      allowedOrigins: ["https://app.example.com"],
      allowedOverrides: ["firstMessage"],
    });
    t.clock.advance(5000);
    const res = await patch(key.id, { name: "Renamed" });
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res).name).toBe("Renamed");
    expect(body(res).restrictions).toEqual(key.restrictions);
    expect(body(res).updatedAt).not.toBe(key.updatedAt);
    expect(body(res).createdAt).toBe(key.createdAt);
    expect(body(await get(`/token/${key.id}`))).toEqual(body(res));
  });

  it("keeps the name when only restrictions are sent", async () => {
    const key = await createPublicKey(t, org.privateKey);
    const res = await patch(key.id, { restrictions: { allowedOrigins: ["https://app.example.com"] } });
    expect(body(res).name).toBe(key.name);
  });

  it("replaces the whole restrictions object: absent restriction fields take their defaults", async () => {
    const assistant = await createAssistant(t, org.privateKey);
    const key = await createPublicKey(t, org.privateKey, {
      enabled: false,
      allowedOrigins: ["https://app.example.com"],
      allowedAssistantIds: [assistant.id],
      allowedOverrides: ["firstMessage", "variableValues"],
    });
    const res = await patch(key.id, { restrictions: { allowedOrigins: ["https://new.example.com"] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res).restrictions).toEqual({
      ...(await defaultRestrictions()),
      allowedOrigins: ["https://new.example.com"],
    });
    expect(body(await get(`/token/${key.id}`)).restrictions).toEqual(body(res).restrictions);
  });

  it("an empty restrictions object resets every restriction to its default", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: ["https://app.example.com"] });
    const res = await patch(key.id, { restrictions: {} });
    expect(body(res).restrictions).toEqual(await defaultRestrictions());
  });

  it("an empty body changes nothing", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: ["https://app.example.com"] });
    const res = await patch(key.id, {});
    expect(res.statusCode).toBe(200);
    expect(body(res).restrictions).toEqual(key.restrictions);
    expect(body(res).name).toBe(key.name);
  });

  it("refuses to change the tag, and accepts the same tag (a GET body sent back)", async () => {
    const key = await createPublicKey(t, org.privateKey);
    expectError(await patch(key.id, { tag: "private" }), "VALIDATION_FAILED", "tag");
    expect(body(await get(`/token/${key.id}`)).tag).toBe("public");
    const same = await patch(key.id, { tag: "public", name: "Same tag" });
    expect(same.statusCode, same.body).toBe(200);
    expect(body(same).name).toBe("Same tag");

    const priv = await createKey(t, org.privateKey, { tag: "private" });
    expectError(await patch(priv.id, { tag: "public" }), "VALIDATION_FAILED", "tag");
  });

  it("can disable and re-enable a private key", async () => {
    const key = await createKey(t, org.privateKey, { tag: "private" });
    const use = () => t.app.inject({ method: "GET", url: "/token", headers: bearer(key.value) });
    expect((await use()).statusCode).toBe(200);
    expect((await patch(key.id, { restrictions: { enabled: false } })).statusCode).toBe(200);
    expectError(await use(), "KEY_DISABLED");
    expect((await patch(key.id, { restrictions: { enabled: true } })).statusCode).toBe(200);
    expect((await use()).statusCode).toBe(200);
  });

  it("a restriction change applies to the very next web call (the key cache is invalidated)", async () => {
    const assistant = await createAssistant(t, org.privateKey);
    const other = await createAssistant(t, org.privateKey, { name: "Other" });
    const key = await createPublicKey(t, org.privateKey);
    expect((await webCall(t, key.value, { assistantId: other.id })).statusCode).toBe(201);
    await patch(key.id, { restrictions: { allowedAssistantIds: [assistant.id] } });
    expectError(await webCall(t, key.value, { assistantId: other.id }), "ASSISTANT_NOT_ALLOWED");
    expect((await webCall(t, key.value, { assistantId: assistant.id })).statusCode).toBe(201);
  });

  it("404s an unknown or revoked key", async () => {
    expectError(await patch("key_doesnotexist", { name: "x" }), "NOT_FOUND");
    const key = await createPublicKey(t, org.privateKey);
    await t.app.inject({ method: "DELETE", url: `/token/${key.id}`, headers: bearer(org.privateKey) });
    expectError(await patch(key.id, { name: "x" }), "NOT_FOUND");
  });
});

describe("DELETE /token/:id", () => {
  it("revokes at once: the key stops working, disappears from reads and cannot be revoked twice", async () => {
    const key = await createKey(t, org.privateKey, { tag: "private", name: "Doomed" });
    expect((await t.app.inject({ method: "GET", url: "/token", headers: bearer(key.value) })).statusCode).toBe(200);

    const res = await t.app.inject({ method: "DELETE", url: `/token/${key.id}`, headers: bearer(org.privateKey) });
    expect(res.statusCode).toBe(200);
    expect(body(res).id).toBe(key.id);

    expectError(await t.app.inject({ method: "GET", url: "/token", headers: bearer(key.value) }), "KEY_REVOKED");
    expectError(await get(`/token/${key.id}`), "NOT_FOUND");
    expect(((await get("/token")).json() as Json[]).map((item) => item.id)).not.toContain(key.id);
    expectError(
      await t.app.inject({ method: "DELETE", url: `/token/${key.id}`, headers: bearer(org.privateKey) }),
      "NOT_FOUND",
    );

    // The row is kept, marked revoked, so the key is told apart from a mistyped one.
    const row = await t.db.selectFrom("api_keys").select("revoked_at").where("id", "=", key.id).executeTakeFirst();
    expect(row?.revoked_at).toEqual(expect.any(String));
  });

  it("revokes a public key for web calls at once, even when cached", async () => {
    const assistant = await createAssistant(t, org.privateKey);
    const key = await createPublicKey(t, org.privateKey);
    expect((await webCall(t, key.value, { assistantId: assistant.id })).statusCode).toBe(201);
    await t.app.inject({ method: "DELETE", url: `/token/${key.id}`, headers: bearer(org.privateKey) });
    expectError(await webCall(t, key.value, { assistantId: assistant.id }), "KEY_REVOKED");
  });
});

describe("changes made by another process (the CLI beside the server)", () => {
  it("a key revoked straight in the database stops working within keyCacheTtlSeconds", async () => {
    const key = await createKey(t, org.privateKey, { tag: "private" });
    const use = () => t.app.inject({ method: "GET", url: "/token", headers: bearer(key.value) });
    expect((await use()).statusCode).toBe(200);
    await t.store.revokeKey(org.orgId, key.id, new Date(t.clock.now()).toISOString());
    // Still cached: another process's change is not seen at once...
    expect((await use()).statusCode).toBe(200);
    // ...but no later than the cache TTL (30 s here).
    t.clock.advance(30_000);
    expectError(await use(), "KEY_REVOKED");
  });

  /** A private key's default restrictions, as the server stores them. */
  function privateDefaults(): Restrictions {
    const read = normalizeRestrictions(undefined, "private");
    if (!read.ok) throw new Error("default restrictions refused");
    return read.value;
  }

  it("a key created straight in the database works within keyCacheTtlSeconds, even after a failed lookup", async () => {
    const { record, value } = mintKey({
      orgId: org.orgId,
      tag: "private",
      name: "From the CLI",
      restrictions: privateDefaults(),
      cipher: t.cipher,
      at: new Date(t.clock.now()).toISOString(),
    });
    const use = () => t.app.inject({ method: "GET", url: "/token", headers: bearer(value) });
    expectError(await use(), "INVALID_KEY");
    await t.store.insertKey(record);
    t.clock.advance(30_000);
    expect((await use()).statusCode).toBe(200);
  });
});

describe("POST /token/:id/check", () => {
  it("simulates a web call and says which rule decided, writing nothing", async () => {
    const assistant = await createAssistant(t, org.privateKey);
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: ["https://app.example.com"] });
    const check = (payload: Json) =>
      t.app.inject({ method: "POST", url: `/token/${key.id}/check`, headers: bearer(org.privateKey), payload });

    const allowed = await check({ origin: "https://app.example.com", assistantId: assistant.id });
    expect(allowed.statusCode).toBe(200);
    expect(body(allowed).decision).toBe("allow");

    const denied = await check({ origin: "https://evil.io", assistantId: assistant.id });
    expect(body(denied)).toMatchObject({ decision: "deny", code: "ORIGIN_NOT_ALLOWED", rule: "origin" });

    const override = await check({
      origin: "https://app.example.com",
      assistantId: assistant.id,
      assistantOverrides: { model: { provider: "openai" } },
    });
    expect(body(override)).toMatchObject({ decision: "deny", code: "OVERRIDE_NOT_ALLOWED", field: "model" });

    expect((await get("/call")).json()).toEqual([]);
  });

  it("on a report-only key, answers allow (what a request gets) and what enforcing would refuse", async () => {
    const assistant = await createAssistant(t, org.privateKey);
    const key = await createPublicKey(t, org.privateKey, {
      mode: "report-only",
      allowedOrigins: ["https://app.example.com"],
    });
    const check = async (payload: Json) =>
      body(
        await t.app.inject({ method: "POST", url: `/token/${key.id}/check`, headers: bearer(org.privateKey), payload }),
      );
    const app = "https://app.example.com";

    const origin = await check({ origin: "https://evil.io", assistantId: assistant.id });
    expect(origin).toMatchObject({
      decision: "allow",
      mode: "report-only",
      wouldDeny: { code: "ORIGIN_NOT_ALLOWED", rule: "origin" },
    });
    expect(origin).not.toHaveProperty("code");
    expect(origin.trace).toContainEqual(expect.objectContaining({ rule: "origin", outcome: "fail" }));

    const override = await check({
      origin: app,
      assistantId: assistant.id,
      assistantOverrides: { firstMessage: "Hi" },
    });
    expect(override.wouldDeny).toEqual({ code: "OVERRIDE_NOT_ALLOWED", rule: "overrides", field: "firstMessage" });

    const passing = await check({ origin: app, assistantId: assistant.id });
    expect(passing).toMatchObject({ decision: "allow", mode: "report-only" });
    expect(passing).not.toHaveProperty("wouldDeny");

    // A missing assistant and a disabled key are refused in report-only mode too: a real deny.
    expect(await check({ origin: app, assistantId: "asst_0000000000000000" })).toMatchObject({
      decision: "deny",
      code: "ASSISTANT_NOT_FOUND",
    });
    await patch(key.id, { restrictions: { mode: "report-only", enabled: false } });
    const disabled = await check({ origin: app, assistantId: assistant.id });
    expect(disabled).toMatchObject({ decision: "deny", mode: "report-only", code: "KEY_DISABLED", rule: "enabled" });
    expect(disabled).not.toHaveProperty("wouldDeny");
  });

  it("names the mode on an enforced key and never sends wouldDeny there", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: ["https://app.example.com"] });
    const res = await t.app.inject({
      method: "POST",
      url: `/token/${key.id}/check`,
      headers: bearer(org.privateKey),
      payload: { origin: "https://evil.io", assistant: { name: "Inline" } },
    });
    expect(body(res)).toMatchObject({ decision: "deny", mode: "enforce", code: "ORIGIN_NOT_ALLOWED" });
    expect(body(res)).not.toHaveProperty("wouldDeny");
  });

  it("documents mode and wouldDeny in /openapi.json", async () => {
    const spec = body(await t.app.inject({ method: "GET", url: "/openapi.json" })) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content: Record<string, { schema: Json }> }> }>
      >;
    };
    const schema = spec.paths["/token/{id}/check"]?.post?.responses["200"]?.content["application/json"]?.schema;
    expect(schema).toMatchObject({
      required: expect.arrayContaining(["decision", "mode", "trace"]),
      properties: {
        mode: { enum: ["enforce", "report-only"] },
        wouldDeny: { type: "object", required: ["code", "rule"] },
      },
    });
  });

  it("says a private key can never start a web call", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: `/token/${org.keyId}/check`,
      headers: bearer(org.privateKey),
      payload: {},
    });
    expect(body(res)).toMatchObject({ decision: "deny", code: "PRIVATE_KEY_NOT_ALLOWED_HERE" });
  });
});
