import { generateKeyPairSync } from "node:crypto";
import { type ErrorCode, generateKeyValue } from "@portcullis/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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

/** Org A's resources that every private route reaches for, plus a stranger org B. */
type World = {
  a: Org;
  b: Org;
  publicKey: Json & { id: string; value: string };
  assistantId: string;
  callId: string;
  signingKeyId: string;
  credentialId: string;
  /** Org A as GET /org showed it before the request under test. */
  orgA: Json;
};

/** A public signing JWK (EC P-256), as an org's backend would register it. */
function signingJwk(): Json {
  return generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" }) as Json;
}

async function buildWorld(t: TestApp): Promise<World> {
  const a = await createOrg(t, "Org A");
  const b = await createOrg(t, "Org B");
  const publicKey = await createPublicKey(t, a.privateKey);
  const assistant = await createAssistant(t, a.privateKey);
  const call = await webCall(t, publicKey.value, { assistantId: assistant.id });
  expect(call.statusCode, call.body).toBe(201);
  const signingKey = await t.app.inject({
    method: "POST",
    url: "/signing-key",
    headers: bearer(a.privateKey),
    payload: { name: "Backend", jwk: signingJwk() },
  });
  expect(signingKey.statusCode, signingKey.body).toBe(201);
  const credential = await t.app.inject({
    method: "POST",
    url: "/credential",
    headers: bearer(a.privateKey),
    payload: { provider: "openai", apiKey: "sk-test-org-a", name: "OpenAI" },
  });
  expect(credential.statusCode, credential.body).toBe(201);
  const orgA = await t.app.inject({ method: "GET", url: "/org", headers: bearer(a.privateKey) });
  expect(orgA.statusCode).toBe(200);
  return {
    a,
    b,
    publicKey,
    assistantId: assistant.id,
    callId: String(body(call).id),
    signingKeyId: String(body(signingKey).id),
    credentialId: String(body(credential).id),
    orgA: body(orgA),
  };
}

/**
 * How a route behaves for another org's key: an item route answers 404 NOT_FOUND; a list route
 * answers only the caller's own items; a create route creates in the caller's own org; a self
 * route (the caller's org) answers about the caller's org only.
 */
type Kind = "item" | "list" | "create" | "self";

type Route = {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  url: (w: World) => string;
  payload?: (w: World) => Json;
  kind: Kind;
  /** The ID of org A's resource this route reads or changes (list routes must not show it to B). */
  target?: (w: World) => string;
  /** For item routes that change something: proves org A's resource is unchanged afterwards. */
  unchanged?: (t: TestApp, w: World) => Promise<void>;
};

async function tokenUnchanged(t: TestApp, w: World): Promise<void> {
  const res = await t.app.inject({ method: "GET", url: `/token/${w.publicKey.id}`, headers: bearer(w.a.privateKey) });
  expect(res.statusCode).toBe(200);
  expect(body(res).name).toBe(w.publicKey.name);
  expect(body(res).value).toBe(w.publicKey.value);
}

async function signingKeyUnchanged(t: TestApp, w: World): Promise<void> {
  const res = await t.app.inject({
    method: "GET",
    url: `/signing-key/${w.signingKeyId}`,
    headers: bearer(w.a.privateKey),
  });
  expect(res.statusCode).toBe(200);
}

async function callUnchanged(t: TestApp, w: World): Promise<void> {
  const res = await t.app.inject({ method: "GET", url: `/call/${w.callId}`, headers: bearer(w.a.privateKey) });
  expect(res.statusCode).toBe(200);
  expect(body(res).status).toBe("queued");
}

async function credentialUnchanged(t: TestApp, w: World): Promise<void> {
  const res = await t.app.inject({ method: "GET", url: "/credential", headers: bearer(w.a.privateKey) });
  expect((res.json() as Json[]).map((c) => c.id)).toContain(w.credentialId);
}

async function orgUnchanged(t: TestApp, w: World): Promise<void> {
  const res = await t.app.inject({ method: "GET", url: "/org", headers: bearer(w.a.privateKey) });
  expect(body(res)).toEqual(w.orgA);
}

async function assistantUnchanged(t: TestApp, w: World): Promise<void> {
  const res = await t.app.inject({
    method: "GET",
    url: `/assistant/${w.assistantId}`,
    headers: bearer(w.a.privateKey),
  });
  expect(res.statusCode).toBe(200);
  expect(body(res).name).toBe("Support");
}

const ROUTES: Route[] = [
  {
    method: "POST",
    path: "/token",
    url: () => "/token",
    payload: () => ({ tag: "public", name: "New key" }),
    kind: "create",
  },
  { method: "GET", path: "/token", url: () => "/token", kind: "list", target: (w) => w.publicKey.id },
  { method: "GET", path: "/token/:id", url: (w) => `/token/${w.publicKey.id}`, kind: "item" },
  {
    method: "PATCH",
    path: "/token/:id",
    url: (w) => `/token/${w.publicKey.id}`,
    payload: () => ({ name: "Renamed" }),
    kind: "item",
    unchanged: tokenUnchanged,
  },
  {
    method: "DELETE",
    path: "/token/:id",
    url: (w) => `/token/${w.publicKey.id}`,
    kind: "item",
    unchanged: tokenUnchanged,
  },
  {
    method: "POST",
    path: "/token/:id/rotate",
    url: (w) => `/token/${w.publicKey.id}/rotate`,
    payload: () => ({}),
    kind: "item",
    unchanged: tokenUnchanged,
  },
  {
    method: "POST",
    path: "/token/:id/check",
    url: (w) => `/token/${w.publicKey.id}/check`,
    payload: (w) => ({ origin: "https://app.example.com", assistantId: w.assistantId }),
    kind: "item",
  },
  {
    method: "POST",
    path: "/assistant",
    url: () => "/assistant",
    payload: () => ({ name: "New assistant" }),
    kind: "create",
  },
  { method: "GET", path: "/assistant", url: () => "/assistant", kind: "list", target: (w) => w.assistantId },
  { method: "GET", path: "/assistant/:id", url: (w) => `/assistant/${w.assistantId}`, kind: "item" },
  {
    method: "PATCH",
    path: "/assistant/:id",
    url: (w) => `/assistant/${w.assistantId}`,
    payload: () => ({ name: "Renamed" }),
    kind: "item",
    unchanged: assistantUnchanged,
  },
  {
    method: "DELETE",
    path: "/assistant/:id",
    url: (w) => `/assistant/${w.assistantId}`,
    kind: "item",
    unchanged: assistantUnchanged,
  },
  { method: "GET", path: "/call", url: () => "/call", kind: "list", target: (w) => w.callId },
  { method: "GET", path: "/call/:id", url: (w) => `/call/${w.callId}`, kind: "item" },
  { method: "DELETE", path: "/call/:id", url: (w) => `/call/${w.callId}`, kind: "item", unchanged: callUnchanged },
  {
    method: "POST",
    path: "/call/:id/end",
    url: (w) => `/call/${w.callId}/end`,
    kind: "item",
    unchanged: callUnchanged,
  },
  {
    method: "POST",
    path: "/credential",
    url: () => "/credential",
    payload: () => ({ provider: "openai", apiKey: "sk-test-new" }),
    kind: "create",
  },
  { method: "GET", path: "/credential", url: () => "/credential", kind: "list", target: (w) => w.credentialId },
  {
    method: "DELETE",
    path: "/credential/:id",
    url: (w) => `/credential/${w.credentialId}`,
    kind: "item",
    unchanged: credentialUnchanged,
  },
  { method: "GET", path: "/token/:id/stats", url: (w) => `/token/${w.publicKey.id}/stats`, kind: "item" },
  { method: "GET", path: "/audit", url: () => "/audit", kind: "list" },
  { method: "GET", path: "/org", url: () => "/org", kind: "self" },
  {
    method: "PATCH",
    path: "/org",
    url: () => "/org",
    payload: () => ({ maxTokenTtlSeconds: 60 }),
    kind: "self",
    unchanged: orgUnchanged,
  },
  {
    method: "POST",
    path: "/signing-key",
    url: () => "/signing-key",
    payload: () => ({ name: "Another", jwk: signingJwk() }),
    kind: "create",
  },
  { method: "GET", path: "/signing-key", url: () => "/signing-key", kind: "list", target: (w) => w.signingKeyId },
  { method: "GET", path: "/signing-key/:id", url: (w) => `/signing-key/${w.signingKeyId}`, kind: "item" },
  {
    method: "DELETE",
    path: "/signing-key/:id",
    url: (w) => `/signing-key/${w.signingKeyId}`,
    kind: "item",
    unchanged: signingKeyUnchanged,
  },
];

/** Every ID of org A's that org B must never see. */
function orgAIds(w: World): string[] {
  return [w.a.orgId, w.a.keyId, w.publicKey.id, w.assistantId, w.callId, w.signingKeyId, w.credentialId];
}

function send(t: TestApp, w: World, route: Route, headers: Record<string, string>) {
  return t.app.inject({
    method: route.method,
    url: route.url(w),
    headers,
    ...(route.payload && { payload: route.payload(w) }),
  });
}

/** `key` with one character of its random part changed, so its checksum no longer matches. */
function breakChecksum(key: string): string {
  const i = 10;
  return key.slice(0, i) + (key[i] === "A" ? "B" : "A") + key.slice(i + 1);
}

type CredentialCase = [name: string, headers: (t: TestApp, w: World) => Promise<Record<string, string>>, ErrorCode];

const CREDENTIAL_CASES: CredentialCase[] = [
  ["no Authorization header", async () => ({}), "MISSING_CREDENTIAL"],
  ["an empty Authorization header", async () => ({ authorization: "" }), "MISSING_CREDENTIAL"],
  ["a key that is not a Portcullis key", async () => bearer("sk_live_not-a-portcullis-key"), "INVALID_KEY"],
  ["a truncated key", async (_t, w) => bearer(w.a.privateKey.slice(0, -1)), "INVALID_KEY"],
  ["a key with a bad checksum", async (_t, w) => bearer(breakChecksum(w.a.privateKey)), "INVALID_KEY"],
  ["a Basic scheme", async (_t, w) => ({ authorization: `Basic ${w.a.privateKey}` }), "INVALID_KEY"],
  ["a well-formed key that does not exist", async () => bearer(generateKeyValue("private")), "INVALID_KEY"],
  ["a public key", async (_t, w) => bearer(w.publicKey.value), "PUBLIC_KEY_NOT_ALLOWED_HERE"],
  [
    "a disabled private key",
    async (t, w) => {
      const key = await createKey(t, w.a.privateKey, { tag: "private", name: "To disable" });
      const res = await t.app.inject({
        method: "PATCH",
        url: `/token/${key.id}`,
        headers: bearer(w.a.privateKey),
        payload: { restrictions: { enabled: false } },
      });
      expect(res.statusCode, res.body).toBe(200);
      return bearer(key.value);
    },
    "KEY_DISABLED",
  ],
  [
    "a deleted (revoked) private key",
    async (t, w) => {
      const key = await createKey(t, w.a.privateKey, { tag: "private", name: "To revoke" });
      // Use it once first so it sits in the key cache: revocation must not wait for the cache.
      const warm = await t.app.inject({ method: "GET", url: "/token", headers: bearer(key.value) });
      expect(warm.statusCode).toBe(200);
      const res = await t.app.inject({ method: "DELETE", url: `/token/${key.id}`, headers: bearer(w.a.privateKey) });
      expect(res.statusCode, res.body).toBe(200);
      return bearer(key.value);
    },
    "KEY_REVOKED",
  ],
];

describe.each(ROUTES)("private route $method $path", (route) => {
  let t: TestApp;
  let w: World;
  beforeEach(async () => {
    t = await buildTestApp();
    w = await buildWorld(t);
  });
  afterEach(async () => {
    await t.close();
  });

  it("answers the org's own private key (control)", async () => {
    const res = await send(t, w, route, bearer(w.a.privateKey));
    expect(res.statusCode, res.body).toBeLessThan(300);
  });

  it.each(CREDENTIAL_CASES)("refuses %s", async (_name, headers, code) => {
    const res = await send(t, w, route, await headers(t, w));
    expectError(res, code);
    // A refused request changed nothing.
    if (route.unchanged) await route.unchanged(t, w);
  });

  it("never shows org A's resource to org B's private key", async () => {
    const res = await send(t, w, route, bearer(w.b.privateKey));
    if (route.kind === "item") {
      expectError(res, "NOT_FOUND");
      if (route.unchanged) await route.unchanged(t, w);
    } else if (route.kind === "list") {
      expect(res.statusCode).toBe(200);
      const items = res.json() as Json[];
      expect(items.map((item) => item.id)).not.toContain(route.target?.(w));
      for (const item of items) if (item.orgId !== undefined) expect(item.orgId).toBe(w.b.orgId);
      // Nothing of org A shows through, by any field.
      for (const id of orgAIds(w)) expect(res.body).not.toContain(id);
    } else if (route.kind === "create") {
      expect(res.statusCode).toBe(201);
      expect(body(res).orgId).toBe(w.b.orgId);
    } else {
      expect(res.statusCode).toBe(200);
      expect(body(res).id).toBe(w.b.orgId);
      if (route.unchanged) await route.unchanged(t, w);
    }
  });

  it("sends no CORS allow headers, answered or refused", async () => {
    const origin = "https://app.example.com";
    for (const headers of [
      { ...bearer(w.a.privateKey), origin },
      { origin },
      { ...bearer(w.publicKey.value), origin },
    ]) {
      const res = await send(t, w, route, headers);
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
      expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    }
  });
});

describe("the shared security suite", () => {
  it("covers every route that takes a bearer credential, except the browser route", async () => {
    const t = await buildTestApp();
    const res = await t.app.inject({ method: "GET", url: "/openapi.json" });
    await t.close();
    const doc = res.json() as { paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>> };
    const bearerRoutes: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.security?.some((s) => "bearerAuth" in s)) continue;
        bearerRoutes.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`);
      }
    }
    const browser = ["POST /call/web"];
    const covered = ROUTES.map((r) => `${r.method} ${r.path}`);
    const privateRoutes = bearerRoutes.filter((r) => !browser.includes(r));
    // A new private route must be added to ROUTES above; a removed one taken out of it.
    expect({
      missing: privateRoutes.filter((r) => !covered.includes(r)),
      stale: covered.filter((r) => !privateRoutes.includes(r)),
    }).toEqual({ missing: [], stale: [] });
  });
});

describe("private routes and preflight", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it.each(["/token", "/token/key_123", "/assistant", "/assistant/asst_123", "/call", "/call/call_123"])(
    "OPTIONS %s grants no cross-origin access",
    async (url) => {
      const res = await t.app.inject({
        method: "OPTIONS",
        url,
        headers: { origin: "https://app.example.com", "access-control-request-method": "GET" },
      });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
      expect(res.headers["access-control-allow-headers"]).toBeUndefined();
    },
  );
});
