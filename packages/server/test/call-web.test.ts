import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { OVERRIDE_FIELDS } from "@portcullis/core";
import Fastify from "fastify";
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
  PUBLIC_URL,
  type TestApp,
  webCall,
} from "./helpers.ts";

const RULES = ["https://app.example.com", "https://*.example.com"];

let t: TestApp;
let org: Org;
let assistantId: string;
beforeEach(async () => {
  t = await buildTestApp();
  org = await createOrg(t);
  assistantId = (await createAssistant(t, org.privateKey)).id;
});
afterEach(async () => {
  await t.close();
});

/**
 * Asserts a refusal told the caller nothing about the key's configuration: neither the body nor a
 * header names it. (Access-Control-Allow-Origin only reflects what the caller sent.)
 */
function expectNothingLeaked(res: Awaited<ReturnType<typeof webCall>>, secrets: string[]): void {
  const { "access-control-allow-origin": _reflected, ...headers } = res.headers;
  const text = `${res.body}\n${JSON.stringify(headers)}`;
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe("POST /call/web: credentials", () => {
  it("refuses a private key: it must never be in a browser", async () => {
    const res = await webCall(t, org.privateKey, { assistantId });
    expectError(res, "PRIVATE_KEY_NOT_ALLOWED_HERE");
    const calls = await t.app.inject({ method: "GET", url: "/call", headers: bearer(org.privateKey) });
    expect(calls.json()).toEqual([]);
  });

  it("refuses no key, a malformed key, a revoked public key and a disabled public key", async () => {
    expectError(await webCall(t, undefined, { assistantId }), "MISSING_CREDENTIAL");
    expectError(await webCall(t, "pcpk_garbage", { assistantId }), "INVALID_KEY");

    const revoked = await createPublicKey(t, org.privateKey);
    expect((await webCall(t, revoked.value, { assistantId })).statusCode).toBe(201);
    await t.app.inject({ method: "DELETE", url: `/token/${revoked.id}`, headers: bearer(org.privateKey) });
    expectError(await webCall(t, revoked.value, { assistantId }), "KEY_REVOKED");

    const disabled = await createPublicKey(t, org.privateKey, { enabled: false });
    expectError(await webCall(t, disabled.value, { assistantId }), "KEY_DISABLED");
  });
});

describe("POST /call/web: an allowed call", () => {
  it("answers 201 with a queued call that GET /call/:id returns to the private key", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: RULES });
    const res = await webCall(t, key.value, { assistantId, metadata: { user: "u_1" } }, "https://APP.example.com:443");
    expect(res.statusCode, res.body).toBe(201);
    const call = body(res);
    expect(call).toMatchObject({
      orgId: org.orgId,
      type: "webCall",
      status: "queued",
      assistantId,
      keyId: key.id,
      origin: "https://app.example.com",
      metadata: { user: "u_1" },
    });
    expect(call.id).toMatch(/^call_/);
    // The call's WebSocket URL (it may carry a join token in its query).
    const wsUrl = new URL(String(call.webCallUrl));
    expect(`${wsUrl.protocol}//${wsUrl.host}${wsUrl.pathname}`).toBe(
      `${PUBLIC_URL.replace(/^http/, "ws")}/call/${call.id}/ws`,
    );

    const read = await t.app.inject({ method: "GET", url: `/call/${call.id}`, headers: bearer(org.privateKey) });
    expect(read.statusCode).toBe(200);
    const { webCallUrl: _url, ...stored } = call;
    expect(read.json()).toEqual(stored);
  });

  it("allows any origin (and none) when the key has no origin rule", async () => {
    const key = await createPublicKey(t, org.privateKey);
    for (const origin of ["https://anything.test", null]) {
      const res = await webCall(t, key.value, { assistantId }, origin);
      expect(res.statusCode, res.body).toBe(201);
      expect(body(res).origin).toBe(origin ?? null);
    }
  });
});

describe("POST /call/web: origin rule", () => {
  type Row = [origin: string, allowed: boolean, canonical?: string];
  const rows: Row[] = [
    ["https://app.example.com", true, "https://app.example.com"],
    ["https://a.example.com", true, "https://a.example.com"],
    ["https://deep.sub.a.example.com", true, "https://deep.sub.a.example.com"],
    ["https://app.example.com:443", true, "https://app.example.com"],
    ["https://APP.EXAMPLE.COM", true, "https://app.example.com"],
    ["HTTPS://App.Example.Com", true, "https://app.example.com"],
    ["https://example.com", false], // a wildcard never matches its apex
    ["https://example.com.evil.io", false],
    ["https://app.example.com.evil.io", false],
    ["https://evilexample.com", false],
    ["https://a.evilexample.com", false],
    ["http://app.example.com", false],
    ["http://a.example.com", false],
    ["https://app.example.com:8443", false],
    ["https://a.example.com:8443", false],
    ["https://app.example.com.", false],
    ["https://a.example.com.", false],
    ["null", false],
    ["", false],
    ["https://app.example.com, https://evil.io", false],
    ["https://evil.io, https://app.example.com", false],
    ["https://app.example.com/", false],
    ["https://app.example.com/path", false],
    ["https://user@app.example.com", false],
    ["https://%2A.example.com", false],
    ["app.example.com", false],
  ];

  it.each(rows)("Origin %j → allowed: %s", async (origin, allowed, canonical) => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: RULES });
    const res = await webCall(t, key.value, { assistantId }, origin);
    if (allowed) {
      expect(res.statusCode, res.body).toBe(201);
      expect(body(res).origin).toBe(canonical);
    } else {
      expectError(res, "ORIGIN_NOT_ALLOWED");
      expectNothingLeaked(res, ["app.example.com", "*.example.com", assistantId]);
    }
  });

  it("refuses a request without an Origin header", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: RULES });
    const res = await webCall(t, key.value, { assistantId }, null);
    expectError(res, "ORIGIN_NOT_ALLOWED");
    expectNothingLeaked(res, ["app.example.com"]);
  });

  it("refuses two Origin headers, even two allowed ones", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: RULES });
    for (const origins of [
      ["https://app.example.com", "https://app.example.com"],
      ["https://app.example.com", "https://evil.io"],
      ["https://evil.io", "https://app.example.com"],
    ]) {
      expectError(await webCall(t, key.value, { assistantId }, origins), "ORIGIN_NOT_ALLOWED");
    }
    const calls = await t.app.inject({ method: "GET", url: "/call", headers: bearer(org.privateKey) });
    expect(calls.json()).toEqual([]);
  });

  it("inject really sends an array header as two raw Origin headers (what the test above relies on)", async () => {
    const probe = Fastify();
    probe.post("/", async (request) => ({
      origin: request.headers.origin,
      raw: request.raw.rawHeaders.filter((_v, i, all) => i % 2 === 1 && all[i - 1]?.toLowerCase() === "origin"),
    }));
    const headers: Record<string, string[]> = { origin: ["https://a.example.com", "https://b.example.com"] };
    const res = await probe.inject({ method: "POST", url: "/", headers, payload: {} });
    expect(res.json()).toEqual({
      origin: "https://a.example.com, https://b.example.com",
      raw: ["https://a.example.com", "https://b.example.com"],
    });
    await probe.close();
  });

  it("refuses two Origin headers sent over a real socket", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: RULES });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const address = t.app.server.address();
    if (!address || typeof address === "string") throw new Error("no address");
    const payload = JSON.stringify({ assistantId });
    const raw = [
      "POST /call/web HTTP/1.1",
      "Host: 127.0.0.1",
      `Authorization: Bearer ${key.value}`,
      "Origin: https://app.example.com",
      "Origin: https://app.example.com",
      "Content-Type: application/json",
      `Content-Length: ${Buffer.byteLength(payload)}`,
      "Connection: close",
      "",
      payload,
    ].join("\r\n");
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(address.port, "127.0.0.1", () => socket.end(raw));
      let data = "";
      socket.on("data", (chunk) => {
        data += chunk.toString("utf8");
      });
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer).toContain('"code":"ORIGIN_NOT_ALLOWED"');

    // Control: the same request with one Origin header over the same server is allowed.
    const allowed = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: address.port,
          method: "POST",
          path: "/call/web",
          headers: { ...bearer(key.value), origin: "https://app.example.com", "content-type": "application/json" },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
    expect(allowed).toBe(201);
  });

  it("stores an IDN rule in punycode and matches the punycode Origin browsers send", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: ["https://bücher.example"] });
    expect((key.restrictions as Json).allowedOrigins).toEqual(["https://xn--bcher-kva.example"]);
    const res = await webCall(t, key.value, { assistantId }, "https://xn--bcher-kva.example");
    expect(res.statusCode, res.body).toBe(201);
    expect(body(res).origin).toBe("https://xn--bcher-kva.example");
    expectError(await webCall(t, key.value, { assistantId }, "https://bucher.example"), "ORIGIN_NOT_ALLOWED");
  });
});

describe("POST /call/web: assistant rule", () => {
  it("allows a listed assistant and refuses another of the same org without naming the list", async () => {
    const other = await createAssistant(t, org.privateKey, { name: "Other" });
    const key = await createPublicKey(t, org.privateKey, { allowedAssistantIds: [assistantId] });
    expect((await webCall(t, key.value, { assistantId })).statusCode).toBe(201);
    const res = await webCall(t, key.value, { assistantId: other.id });
    expectError(res, "ASSISTANT_NOT_ALLOWED");
    expectNothingLeaked(res, [assistantId]);
  });

  it("answers ASSISTANT_NOT_FOUND for an assistant that does not exist", async () => {
    const key = await createPublicKey(t, org.privateKey);
    expectError(await webCall(t, key.value, { assistantId: "asst_doesnotexist" }), "ASSISTANT_NOT_FOUND");
  });

  it("answers another org's assistant exactly like a missing one, with or without an assistant rule", async () => {
    const stranger = await createOrg(t, "Stranger");
    const theirs = await createAssistant(t, stranger.privateKey, { name: "Theirs" });
    const open = await createPublicKey(t, org.privateKey);
    expectError(await webCall(t, open.value, { assistantId: theirs.id }), "ASSISTANT_NOT_FOUND");
    // Even listing the other org's ID in the key's own rule does not reach it.
    const listed = await createPublicKey(t, org.privateKey, { allowedAssistantIds: [theirs.id] });
    expectError(await webCall(t, listed.value, { assistantId: theirs.id }), "ASSISTANT_NOT_FOUND");
    const calls = await t.app.inject({ method: "GET", url: "/call", headers: bearer(stranger.privateKey) });
    expect(calls.json()).toEqual([]);
  });
});

describe("POST /call/web: transient assistants", () => {
  const inline = { name: "Inline", firstMessage: "Hi", model: { provider: "openai", model: "gpt-4o" } };

  it("refuses an inline assistant by default", async () => {
    const key = await createPublicKey(t, org.privateKey);
    expect((key.restrictions as Json).allowTransientAssistant).toBe(false);
    expectError(await webCall(t, key.value, { assistant: inline }), "TRANSIENT_ASSISTANT_NOT_ALLOWED");
  });

  it("refuses an inline assistant when the key lists assistants", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedAssistantIds: [assistantId] });
    expectError(await webCall(t, key.value, { assistant: inline }), "TRANSIENT_ASSISTANT_NOT_ALLOWED");
  });

  it("allows an inline assistant when the owner opted in, and stores it on the call", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowTransientAssistant: true });
    const res = await webCall(t, key.value, { assistant: inline });
    expect(res.statusCode, res.body).toBe(201);
    expect(body(res).assistant).toEqual(inline);
    expect(body(res).assistantId).toBeUndefined();
  });

  it("refuses both or neither of assistantId and assistant", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowTransientAssistant: true });
    expectError(await webCall(t, key.value, {}), "VALIDATION_FAILED");
    expectError(await webCall(t, key.value, { assistantId, assistant: inline }), "VALIDATION_FAILED");
  });
});

describe("POST /call/web: overrides", () => {
  const VALUES: Record<string, unknown> = {
    name: "Renamed",
    firstMessage: "Say anything",
    model: { provider: "openai", model: "gpt-4o" },
    voice: { provider: "11labs", voiceId: "x" },
    maxDurationSeconds: 43_200,
    endCallMessage: "Bye",
    endCallPhrases: ["bye"],
    metadata: { a: 1 },
    variableValues: { name: "Ada" },
  };
  const forbidden = OVERRIDE_FIELDS.filter((field) => field !== "variableValues");

  it("has a test value for every override field", () => {
    expect(Object.keys(VALUES).sort()).toEqual([...OVERRIDE_FIELDS].sort());
  });

  it.each(forbidden)("refuses overriding %s by default, naming the field", async (field) => {
    const key = await createPublicKey(t, org.privateKey);
    const res = await webCall(t, key.value, { assistantId, assistantOverrides: { [field]: VALUES[field] } });
    expectError(res, "OVERRIDE_NOT_ALLOWED", `assistantOverrides.${field}`);
  });

  it.each(forbidden)("allows overriding %s when the owner allowed it", async (field) => {
    const key = await createPublicKey(t, org.privateKey, { allowedOverrides: [field] });
    const res = await webCall(t, key.value, { assistantId, assistantOverrides: { [field]: VALUES[field] } });
    expect(res.statusCode, res.body).toBe(201);
    expect(body(res).assistantOverrides).toEqual({ [field]: VALUES[field] });
  });

  it("allows variableValues by default", async () => {
    const key = await createPublicKey(t, org.privateKey);
    const res = await webCall(t, key.value, {
      assistantId,
      assistantOverrides: { variableValues: { name: "Ada" } },
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  it("refuses an allowed override beside a forbidden one", async () => {
    const key = await createPublicKey(t, org.privateKey);
    const res = await webCall(t, key.value, {
      assistantId,
      assistantOverrides: { variableValues: { name: "Ada" }, firstMessage: "Hi" },
    });
    expectError(res, "OVERRIDE_NOT_ALLOWED", "assistantOverrides.firstMessage");
  });

  it("refuses an override field that does not exist", async () => {
    const key = await createPublicKey(t, org.privateKey);
    const res = await webCall(t, key.value, { assistantId, assistantOverrides: { serverUrl: "https://evil.io" } });
    expectError(res, "UNKNOWN_FIELD", "assistantOverrides.serverUrl");
  });
});

describe("POST /call/web: CORS", () => {
  it("reflects the Origin with Vary on every answer, allowed or refused, never with credentials", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: RULES });
    const cases: [string | undefined, Json, number][] = [
      [key.value, { assistantId }, 201],
      [key.value, { assistant: { name: "x" } }, 403],
      [key.value, { assistantId: "asst_missing" }, 404],
      [key.value, { assistantId, unknown: 1 }, 400],
      [org.privateKey, { assistantId }, 401],
      [undefined, { assistantId }, 401],
    ];
    for (const [k, payload, status] of cases) {
      const res = await webCall(t, k, payload, "https://app.example.com");
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers["access-control-allow-origin"]).toBe("https://app.example.com");
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
      expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    }
    const refused = await webCall(t, key.value, { assistantId }, "https://evil.io");
    expect(refused.statusCode).toBe(403);
    expect(refused.headers["access-control-allow-origin"]).toBe("https://evil.io");
    expect(refused.headers.vary).toMatch(/\bOrigin\b/);
    expect(refused.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("reflects the Origin on malformed JSON and oversized bodies too", async () => {
    const key = await createPublicKey(t, org.privateKey);
    const headers = { ...bearer(key.value), origin: "https://app.example.com", "content-type": "application/json" };
    for (const [payload, code] of [
      ["{", "INVALID_JSON"],
      [JSON.stringify({ assistantId, metadata: { big: "x".repeat(1024 * 1024) } }), "PAYLOAD_TOO_LARGE"],
    ] as const) {
      const res = await t.app.inject({ method: "POST", url: "/call/web", headers, payload });
      expectError(res, code);
      expect(res.headers["access-control-allow-origin"]).toBe("https://app.example.com");
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
    }
  });

  it("refuses a text/plain body, which a page could send cross-origin without a preflight", async () => {
    const key = await createPublicKey(t, org.privateKey);
    const res = await t.app.inject({
      method: "POST",
      url: "/call/web",
      headers: { ...bearer(key.value), origin: "https://evil.io", "content-type": "text/plain" },
      payload: JSON.stringify({ assistantId }),
    });
    expectError(res, "UNSUPPORTED_MEDIA_TYPE");
    expect(res.headers["access-control-allow-origin"]).toBe("https://evil.io");
    const calls = await t.app.inject({ method: "GET", url: "/call", headers: bearer(org.privateKey) });
    expect(calls.json()).toEqual([]);
  });

  it.each(["https://app.example.com", "https://evil.io", "http://localhost:5173"])(
    "answers the preflight from %s allowing Authorization and Content-Type",
    async (origin) => {
      const res = await t.app.inject({
        method: "OPTIONS",
        url: "/call/web",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      });
      expect(res.statusCode).toBeLessThan(300);
      expect(res.headers["access-control-allow-origin"]).toBe(origin);
      const allowed = String(res.headers["access-control-allow-headers"])
        .toLowerCase()
        .split(/\s*,\s*/);
      expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type"]));
      expect(String(res.headers["access-control-allow-methods"])).toContain("POST");
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
      expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    },
  );
});

describe("POST /call/web: restriction changes apply at once", () => {
  it("a PATCH of restrictions takes effect on the next call, cache or not", async () => {
    const key = await createPublicKey(t, org.privateKey, { allowedOrigins: ["https://app.example.com"] });
    // Warm the key cache with the old restrictions.
    expect((await webCall(t, key.value, { assistantId }, "https://app.example.com")).statusCode).toBe(201);
    const patch = await t.app.inject({
      method: "PATCH",
      url: `/token/${key.id}`,
      headers: bearer(org.privateKey),
      payload: { restrictions: { allowedOrigins: ["https://other.example.org"] } },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expectError(await webCall(t, key.value, { assistantId }, "https://app.example.com"), "ORIGIN_NOT_ALLOWED");
    expect((await webCall(t, key.value, { assistantId }, "https://other.example.org")).statusCode).toBe(201);

    // Disabling works the same way.
    await t.app.inject({
      method: "PATCH",
      url: `/token/${key.id}`,
      headers: bearer(org.privateKey),
      payload: { restrictions: { enabled: false } },
    });
    expectError(await webCall(t, key.value, { assistantId }, "https://other.example.org"), "KEY_DISABLED");
  });

  it("a DELETE revokes the key on the next call, cache or not", async () => {
    const key = await createPublicKey(t, org.privateKey);
    expect((await webCall(t, key.value, { assistantId })).statusCode).toBe(201);
    const del = await t.app.inject({ method: "DELETE", url: `/token/${key.id}`, headers: bearer(org.privateKey) });
    expect(del.statusCode).toBe(200);
    expectError(await webCall(t, key.value, { assistantId }), "KEY_REVOKED");
  });
});
