import { generateKeyPairSync, type JsonWebKey, type KeyObject } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClientToken, PortcullisAdmin } from "../src/index.ts";
import { type LiveServer, startServer, startWebCall } from "./live-server.ts";

let server: LiveServer;
let admin: PortcullisAdmin;
let assistantId: string;

beforeEach(async () => {
  server = await startServer();
  admin = new PortcullisAdmin({ apiKey: server.privateKey, baseUrl: server.baseUrl });
  assistantId = (await admin.assistants.create({ name: "Support", firstMessage: "Hello!" })).id;
});
afterEach(() => server.close());

/** Starts a call with `token` from `origin` and returns the status and the error code or call. */
async function startWith(token: string, origin?: string): Promise<{ status: number; code?: string; id?: string }> {
  const res = await startWebCall(server, token, { assistantId }, origin);
  const body = (await res.json()) as { code?: string; id?: string; userId?: string };
  return { status: res.status, ...(body.code ? { code: body.code } : { id: body.id }) };
}

const payloadOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
const headerOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;

describe("createClientToken: HS256 with a private key", () => {
  it("mints a public token the server accepts, with kid and the user as sub", async () => {
    const token = createClientToken({
      privateKey: server.privateKey,
      keyId: server.keyId,
      orgId: server.orgId,
      userId: "user_42",
    });
    expect(headerOf(token)).toEqual({ alg: "HS256", typ: "JWT", kid: server.keyId });
    const started = await startWith(token);
    expect(started.status).toBe(201);
    expect((await admin.calls.get(started.id ?? "")).userId).toBe("user_42");
  });

  it("is accepted without a kid too (the server tries the org's private keys)", async () => {
    const token = createClientToken({ privateKey: server.privateKey, orgId: server.orgId });
    expect(headerOf(token).kid).toBeUndefined();
    expect((await startWith(token)).status).toBe(201);
  });

  it("carries restrictions the server enforces", async () => {
    const token = createClientToken({
      privateKey: server.privateKey,
      keyId: server.keyId,
      orgId: server.orgId,
      restrictions: { allowedOrigins: ["https://app.example.com"], allowedAssistantIds: [assistantId] },
    });
    expect((await startWith(token, "https://app.example.com")).status).toBe(201);
    expect(await startWith(token, "https://evil.example")).toEqual({ status: 403, code: "ORIGIN_NOT_ALLOWED" });
  });

  it("makes a single-use token that a replay cannot reuse", async () => {
    const token = createClientToken({
      privateKey: server.privateKey,
      keyId: server.keyId,
      orgId: server.orgId,
      singleUse: true,
    });
    expect(payloadOf(token)).toMatchObject({ jti: expect.any(String), token: { singleUse: true } });
    expect((await startWith(token)).status).toBe(201);
    expect(await startWith(token)).toEqual({ status: 401, code: "TOKEN_REPLAYED" });
  });

  it("sets iat and exp from now and ttlSeconds; an expired token is refused", async () => {
    const now = Math.floor(Date.now() / 1000) - 3600;
    const token = createClientToken({
      privateKey: server.privateKey,
      keyId: server.keyId,
      orgId: server.orgId,
      ttlSeconds: 60,
      now,
    });
    expect(payloadOf(token)).toMatchObject({ iat: now, exp: now + 60, orgId: server.orgId });
    expect(await startWith(token)).toEqual({ status: 401, code: "TOKEN_EXPIRED" });
  });

  it("a private-tag token is refused on /call/web (clarification 1)", async () => {
    const token = createClientToken({ privateKey: server.privateKey, orgId: server.orgId, tag: "private" });
    expect(await startWith(token)).toEqual({ status: 401, code: "PRIVATE_KEY_NOT_ALLOWED_HERE" });
  });

  it("a token signed with another value is refused", async () => {
    const forged = createClientToken({
      privateKey: `pcsk_${"x".repeat(40)}`,
      keyId: server.keyId,
      orgId: server.orgId,
    });
    expect(await startWith(forged)).toEqual({ status: 401, code: "TOKEN_SIGNATURE_INVALID" });
  });

  it.each([
    ["a public key as privateKey", { privateKey: "pcpk_abc", orgId: "org_1" }, TypeError],
    ["a zero ttl", { privateKey: "pcsk_abc", orgId: "org_1", ttlSeconds: 0 }, RangeError],
    ["a fractional ttl", { privateKey: "pcsk_abc", orgId: "org_1", ttlSeconds: 1.5 }, RangeError],
  ])("throws on %s", (_name, options, kind) => {
    expect(() => createClientToken(options)).toThrow(kind);
  });
});

const pairs: [string, () => { privateKey: JsonWebKey; publicKey: JsonWebKey }][] = [
  ["ES256", () => jwkPair(generateKeyPairSync("ec", { namedCurve: "P-256" }))],
  ["EdDSA", () => jwkPair(generateKeyPairSync("ed25519"))],
  ["RS256", () => jwkPair(generateKeyPairSync("rsa", { modulusLength: 2048 }))],
];

function jwkPair(pair: { privateKey: KeyObject; publicKey: KeyObject }) {
  return { privateKey: pair.privateKey.export({ format: "jwk" }), publicKey: pair.publicKey.export({ format: "jwk" }) };
}

describe("createClientToken: your own asymmetric key", () => {
  it.each(pairs)("%s: the real server verifies it once the public key is registered", async (alg, make) => {
    const { privateKey, publicKey } = make();
    const kid = `backend-${alg}`;
    const token = createClientToken({ signingKey: privateKey, kid, orgId: server.orgId, userId: "user_7" });
    expect(headerOf(token)).toEqual({ alg, typ: "JWT", kid });

    // Not registered yet: the server does not know the kid.
    expect(await startWith(token)).toEqual({ status: 401, code: "TOKEN_KEY_UNKNOWN" });
    const registered = await admin.signingKeys.create({ name: alg, jwk: { ...publicKey, kid } });
    expect(registered.alg).toBe(alg);
    const started = await startWith(token);
    expect(started.status).toBe(201);
    expect((await admin.calls.get(started.id ?? "")).userId).toBe("user_7");
  });

  it.each(pairs)("%s: a token signed by another key under the same kid is refused", async (alg, make) => {
    const registered = make();
    const attacker = make();
    const kid = `backend-${alg}`;
    await admin.signingKeys.create({ name: alg, jwk: { ...registered.publicKey, kid } });
    const forged = createClientToken({ signingKey: attacker.privateKey, kid, orgId: server.orgId });
    expect(await startWith(forged)).toEqual({ status: 401, code: "TOKEN_SIGNATURE_INVALID" });
  });

  it("refuses a key type it cannot sign with", () => {
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "jwk" });
    expect(() => createClientToken({ signingKey: p384, kid: "k", orgId: "org_1" })).toThrow(TypeError);
  });
});
