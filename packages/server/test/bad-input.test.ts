import type { ErrorCode } from "@portcullis/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  bearer,
  body,
  buildTestApp,
  createAssistant,
  createOrg,
  createPublicKey,
  expectError,
  expectHealthy,
  type Org,
  type TestApp,
} from "./helpers.ts";

let t: TestApp;
let org: Org;
beforeEach(async () => {
  t = await buildTestApp();
  org = await createOrg(t);
});
afterEach(async () => {
  // Whatever a test sent, the server still answers.
  await expectHealthy(t);
  await t.close();
});

/** Sends a raw body with an explicit content type, as a careless client would. */
function raw(method: "POST" | "PATCH", url: string, payload: string, contentType = "application/json") {
  return t.app.inject({
    method,
    url,
    headers: { ...bearer(org.privateKey), "content-type": contentType },
    payload,
  });
}

/** What a GET of every list shows, to prove a refused write wrote nothing. */
async function snapshot(): Promise<unknown> {
  const h = bearer(org.privateKey);
  const [tokens, assistants, calls] = await Promise.all(
    ["/token", "/assistant", "/call"].map((url) => t.app.inject({ method: "GET", url, headers: h })),
  );
  return { tokens: tokens?.json(), assistants: assistants?.json(), calls: calls?.json() };
}

describe("malformed bodies", () => {
  const WRITE_ROUTES: ["POST" | "PATCH", string][] = [
    ["POST", "/token"],
    ["POST", "/assistant"],
    ["PATCH", "/token/{key}"],
    ["PATCH", "/assistant/{assistant}"],
    ["POST", "/token/{key}/check"],
  ];

  async function resolve(url: string): Promise<string> {
    if (url.includes("{key}")) return url.replace("{key}", (await createPublicKey(t, org.privateKey)).id);
    if (url.includes("{assistant}")) return url.replace("{assistant}", (await createAssistant(t, org.privateKey)).id);
    return url;
  }

  const CASES: [name: string, payload: string, contentType: string, code: ErrorCode][] = [
    ["truncated JSON", '{"name": "x"', "application/json", "INVALID_JSON"],
    ["not JSON at all", "name=x", "application/json", "INVALID_JSON"],
    ["a trailing comma", '{"name": "x",}', "application/json", "INVALID_JSON"],
    ["an empty body", "", "application/json", "INVALID_JSON"],
    ["a __proto__ key", '{"__proto__": {"isAdmin": true}}', "application/json", "INVALID_JSON"],
    ["a nested __proto__ key", '{"metadata": {"__proto__": {"x": 1}}}', "application/json", "INVALID_JSON"],
    ["a constructor.prototype key", '{"constructor": {"prototype": {"x": 1}}}', "application/json", "INVALID_JSON"],
    ["a JSON array", "[]", "application/json", "VALIDATION_FAILED"],
    ["JSON null", "null", "application/json", "VALIDATION_FAILED"],
    ["a JSON string", '"hello"', "application/json", "VALIDATION_FAILED"],
    ["text/plain", '{"name": "x"}', "text/plain", "UNSUPPORTED_MEDIA_TYPE"],
    ["a form", "name=x", "application/x-www-form-urlencoded", "UNSUPPORTED_MEDIA_TYPE"],
    ["XML", "<name>x</name>", "application/xml", "UNSUPPORTED_MEDIA_TYPE"],
  ];

  describe.each(WRITE_ROUTES)("%s %s", (method, url) => {
    it.each(CASES)("refuses %s", async (_name, payload, contentType, code) => {
      const target = await resolve(url);
      const before = await snapshot();
      expectError(await raw(method, target, payload, contentType), code);
      expect(await snapshot()).toEqual(before);
    });
  });

  it("refuses a prototype-poisoning body on POST /call/web too", async () => {
    const key = await createPublicKey(t, org.privateKey);
    const res = await t.app.inject({
      method: "POST",
      url: "/call/web",
      headers: { ...bearer(key.value), origin: "https://app.example.com", "content-type": "application/json" },
      payload: '{"assistant": {"name": "x"}, "__proto__": {"allowTransientAssistant": true}}',
    });
    expectError(res, "INVALID_JSON");
  });

  it.each([
    ["POST", "/token"],
    ["POST", "/assistant"],
  ] as const)("%s %s refuses a body over 1 MB with 413, and writes nothing", async (method, url) => {
    const before = await snapshot();
    const payload = JSON.stringify({ name: "x", metadata: { big: "x".repeat(1024 * 1024) } });
    expectError(await raw(method, url, payload), "PAYLOAD_TOO_LARGE");
    expect(await snapshot()).toEqual(before);
  });

  it("accepts application/json with a charset parameter", async () => {
    const res = await raw("POST", "/assistant", '{"name": "x"}', "application/json; charset=utf-8");
    expect(res.statusCode, res.body).toBe(201);
  });

  it("accepts a body just under 1 MB (the limit is the limit, not less)", async () => {
    const payload = JSON.stringify({ name: "x", metadata: { big: "x".repeat(1024 * 1024 - 100) } });
    expect(Buffer.byteLength(payload)).toBeLessThan(1024 * 1024);
    const res = await raw("POST", "/assistant", payload);
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe("wrong types and unknown fields", () => {
  it.each([
    ["/token", { tag: "public", restrictions: { enabled: "true" } }, "restrictions.enabled"],
    ["/token", { tag: "public", restrictions: { allowTransientAssistant: 1 } }, "restrictions.allowTransientAssistant"],
    [
      "/token",
      { tag: "public", restrictions: { allowedOrigins: "https://app.example.com" } },
      "restrictions.allowedOrigins",
    ],
    ["/token", { tag: "public", restrictions: { allowedOrigins: [42] } }, "restrictions.allowedOrigins[0]"],
    [
      "/token",
      { tag: "public", restrictions: { allowedOverrides: ["serverUrl"] } },
      "restrictions.allowedOverrides[0]",
    ],
    ["/token", { tag: "admin" }, "tag"],
    ["/token", { name: 7 }, "name"],
    ["/token", { name: "" }, "name"],
    ["/token", { restrictions: [] }, "restrictions"],
    ["/assistant", { name: 1 }, "name"],
    ["/assistant", { maxDurationSeconds: "600" }, "maxDurationSeconds"],
    ["/assistant", { maxDurationSeconds: 5 }, "maxDurationSeconds"],
    ["/assistant", { maxDurationSeconds: 9 }, "maxDurationSeconds"],
    ["/assistant", { maxDurationSeconds: 43_201 }, "maxDurationSeconds"],
    ["/assistant", { maxDurationSeconds: 50_000 }, "maxDurationSeconds"],
    ["/assistant", { maxDurationSeconds: 60.5 }, "maxDurationSeconds"],
    ["/assistant", { model: { model: "gpt-4o" } }, "model.provider"],
    ["/assistant", { model: { provider: "openai", temperature: 3 } }, "model.temperature"],
    [
      "/assistant",
      { model: { provider: "openai", messages: [{ role: "root", content: "x" }] } },
      "model.messages[0].role",
    ],
    ["/assistant", { metadata: "x" }, "metadata"],
  ])("POST %s %j → VALIDATION_FAILED naming %s, nothing written", async (url, payload, field) => {
    const before = await snapshot();
    const res = await t.app.inject({ method: "POST", url, headers: bearer(org.privateKey), payload });
    expectError(res, "VALIDATION_FAILED", field);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["/token", { tag: "public", scopes: ["all"] }, "scopes"],
    [
      "/token",
      { tag: "public", restrictions: { allowedOrigin: ["https://app.example.com"] } },
      "restrictions.allowedOrigin",
    ],
    ["/token", { tag: "public", restrictions: { enabled: true, ipAllowList: [] } }, "restrictions.ipAllowList"],
    ["/assistant", { name: "x", serverUrl: "https://evil.io" }, "serverUrl"],
    [
      "/assistant",
      { name: "x", model: { provider: "openai", messages: [{ role: "system", content: "x", extra: 1 }] } },
      "model.messages[0].extra",
    ],
  ])("POST %s %j → UNKNOWN_FIELD naming %s, nothing written", async (url, payload, field) => {
    const before = await snapshot();
    const res = await t.app.inject({ method: "POST", url, headers: bearer(org.privateKey), payload });
    expectError(res, "UNKNOWN_FIELD", field);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an unknown field on PATCH /assistant/:id and on PATCH /token/:id", async () => {
    const assistant = await createAssistant(t, org.privateKey);
    const key = await createPublicKey(t, org.privateKey);
    const before = await snapshot();
    for (const [url, payload, field] of [
      [`/assistant/${assistant.id}`, { name: "y", voiceId: "x" }, "voiceId"],
      [`/token/${key.id}`, { name: "y", expiresAt: "2030-01-01" }, "expiresAt"],
      [`/token/${key.id}`, { restrictions: { enabled: true, origins: [] } }, "restrictions.origins"],
    ] as const) {
      const res = await t.app.inject({ method: "PATCH", url, headers: bearer(org.privateKey), payload });
      expectError(res, "UNKNOWN_FIELD", field);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses browser restrictions on a private key", async () => {
    const before = await snapshot();
    const res = await t.app.inject({
      method: "POST",
      url: "/token",
      headers: bearer(org.privateKey),
      payload: { tag: "private", restrictions: { allowedOrigins: ["https://app.example.com"] } },
    });
    expectError(res, "VALIDATION_FAILED", "restrictions.allowedOrigins");
    expect(await snapshot()).toEqual(before);
  });
});

describe("origin rules and restriction combinations", () => {
  const BAD_RULES = [
    "https://*.vercel.app",
    "https://*.co.uk",
    "https://*.com",
    "https://app.example.com/path",
    "https://app.example.com/?q=1",
    "https://user:pw@app.example.com",
    "*",
    "null",
    "app.example.com",
    "ftp://app.example.com",
    "https://app.example.com.",
    "https://*.*.example.com",
    "https://a*.example.com",
  ];

  it.each(BAD_RULES)("POST /token refuses the rule %j, naming it, and creates no key", async (rule) => {
    const before = await snapshot();
    const res = await t.app.inject({
      method: "POST",
      url: "/token",
      headers: bearer(org.privateKey),
      payload: { tag: "public", restrictions: { allowedOrigins: ["https://ok.example.com", rule] } },
    });
    const err = expectError(res, "INVALID_ORIGIN_RULE", "restrictions.allowedOrigins[1]");
    expect(err.message).toContain(rule);
    expect(await snapshot()).toEqual(before);
  });

  it.each(BAD_RULES)("PATCH /token/:id refuses the rule %j and keeps the old restrictions", async (rule) => {
    const key = await createPublicKey(t, org.privateKey, {
      allowedOrigins: ["https://app.example.com"],
      allowedOverrides: ["firstMessage"],
    });
    const url = `/token/${key.id}`;
    const res = await t.app.inject({
      method: "PATCH",
      url,
      headers: bearer(org.privateKey),
      payload: { name: "Renamed", restrictions: { allowedOrigins: [rule] } },
    });
    const err = expectError(res, "INVALID_ORIGIN_RULE", "restrictions.allowedOrigins[0]");
    expect(err.message).toContain(rule);
    const after = await t.app.inject({ method: "GET", url, headers: bearer(org.privateKey) });
    expect(body(after).restrictions).toEqual(key.restrictions);
    expect(body(after).name).toBe(key.name);
    expect(body(after).updatedAt).toBe(key.updatedAt);
  });

  it("refuses allowTransientAssistant beside allowedAssistantIds, on create and on update", async () => {
    const assistant = await createAssistant(t, org.privateKey);
    const restrictions = { allowedAssistantIds: [assistant.id], allowTransientAssistant: true };
    const before = await snapshot();
    const created = await t.app.inject({
      method: "POST",
      url: "/token",
      headers: bearer(org.privateKey),
      payload: { tag: "public", restrictions },
    });
    expectError(created, "VALIDATION_FAILED", "restrictions.allowTransientAssistant");
    expect(await snapshot()).toEqual(before);

    const key = await createPublicKey(t, org.privateKey);
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/token/${key.id}`,
      headers: bearer(org.privateKey),
      payload: { restrictions },
    });
    expectError(patched, "VALIDATION_FAILED", "restrictions.allowTransientAssistant");
    const after = await t.app.inject({ method: "GET", url: `/token/${key.id}`, headers: bearer(org.privateKey) });
    expect(body(after).restrictions).toEqual(key.restrictions);
  });
});

describe("path and query parameters", () => {
  it.each([
    "/token/..%2F..",
    "/token/..%2F..%2Fassistant",
    "/token/a%20b",
    "/token/%00",
    `/token/${"k".repeat(65)}`,
    "/assistant/..%2F..",
    "/assistant/asst_1%3Bdrop",
    "/call/..%2F..",
    "/call/%27%20OR%201%3D1",
  ])("GET %s → 400 VALIDATION_FAILED on the id", async (url) => {
    const res = await t.app.inject({ method: "GET", url, headers: bearer(org.privateKey) });
    expectError(res, "VALIDATION_FAILED", "params.id");
  });

  it.each([
    ["/assistant?cursor=not-a-cursor", "VALIDATION_FAILED", "cursor"],
    ["/assistant?cursor=czE5OTk5OTk5OTk5OTk5OTk5OTk", "VALIDATION_FAILED", "cursor"],
    ["/assistant?cursor=%21%21", "VALIDATION_FAILED", "querystring.cursor"],
    ["/assistant?limit=0", "VALIDATION_FAILED", "querystring.limit"],
    ["/assistant?limit=1001", "VALIDATION_FAILED", "querystring.limit"],
    ["/assistant?limit=-1", "VALIDATION_FAILED", "querystring.limit"],
    ["/assistant?limit=ten", "VALIDATION_FAILED", "querystring.limit"],
    ["/assistant?limit=1&limit=2", "VALIDATION_FAILED", "querystring.limit"],
    ["/assistant?sort=asc", "UNKNOWN_FIELD", "querystring.sort"],
    ["/assistant?constructor=1", "UNKNOWN_FIELD", "querystring.constructor"],
    ["/assistant?__proto__=1", "UNKNOWN_FIELD", "querystring.__proto__"],
    ["/call?cursor=not-a-cursor", "VALIDATION_FAILED", "cursor"],
    ["/call?limit=0", "VALIDATION_FAILED", "querystring.limit"],
  ] as const)("GET %s → %s naming %s", async (url, code, field) => {
    const res = await t.app.inject({ method: "GET", url, headers: bearer(org.privateKey) });
    expectError(res, code, field);
  });

  it("refuses an Authorization header far over any key's size without looking it up", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/token",
      headers: { authorization: `Bearer pcsk_${"a".repeat(10_000)}` },
    });
    expectError(res, "INVALID_KEY");
  });
});
