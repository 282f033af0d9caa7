import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PortcullisAdmin, PortcullisApiError } from "../src/index.ts";
import { type LiveServer, startServer, startWebCall } from "./live-server.ts";

let server: LiveServer;
let admin: PortcullisAdmin;

beforeEach(async () => {
  server = await startServer();
  admin = new PortcullisAdmin({ apiKey: server.privateKey, baseUrl: server.baseUrl });
});
afterEach(() => server.close());

/** Runs `fn` and returns the PortcullisApiError it throws (failing the test when it throws nothing else). */
async function apiError(fn: () => Promise<unknown>): Promise<PortcullisApiError> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortcullisApiError);
  return error as PortcullisApiError;
}

describe("PortcullisAdmin: tokens", () => {
  it("creates, lists, gets, updates, rotates and revokes a key", async () => {
    const created = await admin.tokens.create({
      tag: "public",
      name: "Landing page",
      restrictions: { allowedOrigins: ["https://app.example.com"] },
    });
    expect(created.value).toMatch(/^pcpk_/);
    expect(created.restrictions.allowedOrigins).toEqual(["https://app.example.com"]);
    expect((await admin.tokens.list()).map((k) => k.id)).toContain(created.id);
    expect((await admin.tokens.get(created.id)).name).toBe("Landing page");

    const updated = await admin.tokens.update(created.id, { name: "Renamed" });
    expect(updated.name).toBe("Renamed");
    // Clarification 3: an absent top-level field keeps its value.
    expect(updated.restrictions.allowedOrigins).toEqual(["https://app.example.com"]);

    const rotated = await admin.tokens.rotate(created.id);
    expect(rotated.value).toMatch(/^pcpk_/);
    expect(rotated.value).not.toBe(created.value);

    await admin.tokens.delete(created.id);
    expect((await apiError(() => admin.tokens.get(created.id))).code).toBe("NOT_FOUND");
    expect((await admin.tokens.list()).map((k) => k.id)).not.toContain(created.id);
  });

  it("simulates a web call with check and counts decisions in stats", async () => {
    const assistant = await admin.assistants.create({ name: "Support", firstMessage: "Hello!" });
    const key = await admin.tokens.create({
      tag: "public",
      restrictions: { allowedOrigins: ["https://app.example.com"], allowedAssistantIds: [assistant.id] },
    });
    const allowed = await admin.tokens.check(key.id, { origin: "https://app.example.com", assistantId: assistant.id });
    expect(allowed.decision).toBe("allow");
    const denied = await admin.tokens.check(key.id, { origin: "https://evil.example", assistantId: assistant.id });
    expect({ decision: denied.decision, code: denied.code }).toEqual({ decision: "deny", code: "ORIGIN_NOT_ALLOWED" });

    const stats = await admin.tokens.stats(key.id, { window: "1h" });
    expect(stats.keyId).toBe(key.id);
    expect(stats.window).toBe("1h");
  });
});

describe("PortcullisAdmin: assistants", () => {
  it("creates, reads, updates, pages through and deletes assistants", async () => {
    const created = [];
    for (const name of ["A", "B", "C"]) created.push(await admin.assistants.create({ name, firstMessage: "Hi" }));
    const first = created[0];
    if (!first) throw new Error("unreachable");
    expect((await admin.assistants.get(first.id)).name).toBe("A");
    const updated = await admin.assistants.update(first.id, { firstMessage: "Hello again" });
    expect({ name: updated.name, firstMessage: updated.firstMessage }).toEqual({
      name: "A",
      firstMessage: "Hello again",
    });

    const page = await admin.assistants.list({ limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toEqual(expect.any(String));
    const rest = await admin.assistants.list({ limit: 2, cursor: page.nextCursor ?? undefined });
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();

    const all = [];
    for await (const a of admin.assistants.listAll({ limit: 1 })) all.push(a.id);
    expect(all.sort()).toEqual(created.map((a) => a.id).sort());

    await admin.assistants.delete(first.id);
    expect((await apiError(() => admin.assistants.get(first.id))).status).toBe(404);
  });
});

describe("PortcullisAdmin: calls", () => {
  it("lists, filters, gets and ends a call started from the browser", async () => {
    const assistant = await admin.assistants.create({ name: "Support", firstMessage: "Hello!" });
    const other = await admin.assistants.create({ name: "Other", firstMessage: "Hello!" });
    const key = await admin.tokens.create({ tag: "public" });
    const res = await startWebCall(server, key.value ?? "", { assistantId: assistant.id });
    expect(res.status).toBe(201);
    const started = (await res.json()) as { id: string };

    expect((await admin.calls.list()).items.map((c) => c.id)).toEqual([started.id]);
    expect((await admin.calls.list({ assistantId: other.id })).items).toEqual([]);
    expect((await admin.calls.list({ keyId: key.id })).items.map((c) => c.id)).toEqual([started.id]);
    expect((await admin.calls.list({ keyId: "key_other" })).items).toEqual([]);
    const call = await admin.calls.get(started.id);
    expect({ id: call.id, assistantId: call.assistantId, keyId: call.keyId }).toEqual({
      id: started.id,
      assistantId: assistant.id,
      keyId: key.id,
    });

    const ended = await admin.calls.end(started.id);
    expect(ended.status).toBe("ended");
    expect((await apiError(() => admin.calls.end(started.id))).code).toBe("CALL_NOT_LIVE");
  });
});

describe("PortcullisAdmin: audit", () => {
  it("filters by event and pages with the x-next-cursor header", async () => {
    for (const name of ["a", "b", "c"]) await admin.tokens.create({ tag: "public", name });
    await admin.assistants.create({ name: "Support" });

    const creates = await admin.audit.list({ event: "token.create" });
    expect(creates.items).toHaveLength(3);
    expect(creates.items.every((e) => e.event === "token.create")).toBe(true);

    const page = await admin.audit.list({ event: "token.create", limit: 2 });
    expect(page.items).toHaveLength(2);
    const next = await admin.audit.list({ event: "token.create", limit: 2, cursor: page.nextCursor ?? undefined });
    expect(next.items).toHaveLength(1);
    expect(new Set([...page.items, ...next.items].map((e) => e.id)).size).toBe(3);

    const ids = [];
    for await (const event of admin.audit.listAll({ limit: 1 })) ids.push(event.id);
    expect(ids).toHaveLength(4);

    expect((await admin.audit.list({ from: new Date(Date.now() + 60_000) })).items).toEqual([]);
  });
});

describe("PortcullisAdmin: org, signing keys, credentials", () => {
  it("reads and updates org settings", async () => {
    expect((await admin.org.get()).id).toBe(server.orgId);
    const updated = await admin.org.update({ maxTokenTtlSeconds: 900 });
    expect(updated.maxTokenTtlSeconds).toBe(900);
    expect((await admin.org.get()).maxTokenTtlSeconds).toBe(900);
  });

  it("registers, lists, gets and deletes a signing key", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const jwk = { ...generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }), kid: "backend-1" };
    const created = await admin.signingKeys.create({ name: "backend", jwk });
    expect({ kid: created.kid, alg: created.alg }).toEqual({ kid: "backend-1", alg: "EdDSA" });
    expect((await admin.signingKeys.list()).map((k) => k.id)).toEqual([created.id]);
    expect((await admin.signingKeys.get(created.id)).kind).toBe("jwk");
    await admin.signingKeys.delete(created.id);
    expect(await admin.signingKeys.list()).toEqual([]);
  });

  it("stores a credential without ever returning its secret", async () => {
    const created = await admin.credentials.create({ provider: "openai", apiKey: "sk-test-secret", name: "prod" });
    expect(JSON.stringify(created)).not.toContain("sk-test-secret");
    const listed = await admin.credentials.list();
    expect(listed.map((c) => c.id)).toEqual([created.id]);
    expect(JSON.stringify(listed)).not.toContain("sk-test-secret");
    await admin.credentials.delete(created.id);
    expect(await admin.credentials.list()).toEqual([]);
  });
});

describe("PortcullisAdmin: errors", () => {
  it("throws the server's code, status, requestId and field", async () => {
    const error = await apiError(() =>
      admin.tokens.create({ tag: "public", restrictions: { allowedOrigins: ["not an origin"] } }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toEqual(expect.stringMatching(/^[A-Z_]+$/));
    expect(error.requestId).toMatch(/^req_/);
    expect(error.field).toContain("allowedOrigins");
    expect(error.docs).toContain(error.code.toLowerCase());
  });

  it("answers another org's resources as NOT_FOUND", async () => {
    const mine = await admin.assistants.create({ name: "Mine" });
    const other = await server.otherOrg();
    const theirs = new PortcullisAdmin({ apiKey: other.privateKey, baseUrl: server.baseUrl });
    const error = await apiError(() => theirs.assistants.get(mine.id));
    expect({ status: error.status, code: error.code }).toEqual({ status: 404, code: "NOT_FOUND" });
  });

  it("throws KEY_REVOKED for a revoked key", async () => {
    const second = await admin.tokens.create({ tag: "private", name: "second" });
    const client = new PortcullisAdmin({ apiKey: second.value ?? "", baseUrl: server.baseUrl });
    await admin.tokens.delete(second.id);
    const error = await apiError(() => client.org.get());
    expect({ status: error.status, code: error.code }).toEqual({ status: 401, code: "KEY_REVOKED" });
    expect(error.requestId).toMatch(/^req_/);
  });

  it("refuses a public key or a bad baseUrl at construction", () => {
    expect(() => new PortcullisAdmin({ apiKey: "pcpk_abc", baseUrl: server.baseUrl })).toThrow(/private key/);
    expect(() => new PortcullisAdmin({ apiKey: "", baseUrl: server.baseUrl })).toThrow(TypeError);
    expect(() => new PortcullisAdmin({ apiKey: server.privateKey, baseUrl: "localhost" })).toThrow(/baseUrl/);
  });

  it("reports an unreachable server as NETWORK_ERROR and a non-API answer as UNEXPECTED_RESPONSE", async () => {
    const down = new PortcullisAdmin({ apiKey: server.privateKey, baseUrl: "http://127.0.0.1:1" });
    const network = await apiError(() => down.org.get());
    expect({ code: network.code, status: network.status }).toEqual({ code: "NETWORK_ERROR", status: 0 });

    const proxy = new PortcullisAdmin({
      apiKey: server.privateKey,
      baseUrl: server.baseUrl,
      fetch: async () => new Response("<html>Bad gateway</html>", { status: 502 }),
    });
    const unexpected = await apiError(() => proxy.org.get());
    expect({ code: unexpected.code, status: unexpected.status }).toEqual({ code: "UNEXPECTED_RESPONSE", status: 502 });
  });

  it("sends the key as a bearer token through an injected fetch", async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const client = new PortcullisAdmin({
      apiKey: server.privateKey,
      baseUrl: `${server.baseUrl}/`,
      fetch: (input, init) => {
        seen.push({ url: String(input), auth: new Headers(init?.headers).get("authorization") });
        return fetch(input, init);
      },
    });
    await client.assistants.list({ limit: 5 });
    expect(seen).toEqual([{ url: `${server.baseUrl}/assistant?limit=5`, auth: `Bearer ${server.privateKey}` }]);
  });
});
