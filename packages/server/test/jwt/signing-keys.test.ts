import { generateKeyPairSync, type JsonWebKey } from "node:crypto";
import { createClientToken } from "@portcullis/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  bearer,
  body,
  createAssistant,
  createOrg,
  expectError,
  type Json,
  type Org,
  type TestApp,
  webCall,
} from "../helpers.ts";
import {
  buildJwtApp,
  claims,
  type Fixture,
  jws,
  keyPair,
  nowSeconds,
  postSigningKey,
  registerJwk,
  startServer,
} from "./jwt-helpers.ts";

const es = keyPair("ES256");
const ed = keyPair("EdDSA");
const rs = keyPair("RS256");

let t: TestApp;
let org: Org;
let assistantId: string;
let servers: Fixture[];
beforeEach(async () => {
  t = await buildJwtApp({ jwks: { timeoutMs: 300 } });
  org = await createOrg(t);
  assistantId = (await createAssistant(t, org.privateKey)).id;
  servers = [];
});
afterEach(async () => {
  await t.close();
  await Promise.all(servers.map((s) => s.close()));
});

/** A JWKS server for this test, closed after it. */
async function jwksServer(jwks: unknown): Promise<Fixture> {
  const server = await startServer(jwks);
  servers.push(server);
  return server;
}

const mint = (signingKey: JsonWebKey, kid: string, options: Json = {}) =>
  createClientToken({ signingKey, kid, orgId: org.orgId, now: nowSeconds(t), ...options });
const start = (token: string) => webCall(t, token, { assistantId });
const publicEntry = (pair: typeof es, kid: string) => ({ ...pair.publicJwk, kid, use: "sig" });

describe("signing keys: registered public JWKs", () => {
  it.each([
    ["ES256", es],
    ["EdDSA", ed],
    ["RS256 (2048 bits)", rs],
  ] as const)(
    "%s: registered via POST /signing-key, its tokens from createClientToken start calls",
    async (_, pair) => {
      const registered = await registerJwk(t, org, pair, "backend-1");
      expect(registered.alg).toBe(pair.alg);
      expect(registered.kid).toBe("backend-1");
      expect(JSON.stringify(registered)).not.toContain('"d"');

      const res = await start(mint(pair.privateJwk, "backend-1", { userId: "user_7" }));
      expect(res.statusCode, res.body).toBe(201);
      expect(body(res).keyId).toBe(registered.id);
      expect(body(res).userId).toBe("user_7");
    },
  );

  it("a JWK without kid is named by its signing-key ID", async () => {
    const res = await postSigningKey(t, org.privateKey, { jwk: es.publicJwk });
    expect(res.statusCode, res.body).toBe(201);
    const id = String(body(res).id);
    expect(body(res).kid).toBe(id);
    expect((await start(mint(es.privateJwk, id))).statusCode).toBe(201);
  });

  it.each<[string, () => JsonWebKey]>([
    ["RS256 with 1024 bits", () => keyPair("RS256", 1024).publicJwk],
    ["a private EC JWK (with d)", () => es.privateJwk],
    ["a private Ed25519 JWK (with d)", () => ed.privateJwk],
    ["a private RSA JWK (with d, p, q…)", () => rs.privateJwk],
    ["a symmetric JWK (kty oct)", () => ({ kty: "oct", k: Buffer.alloc(32, 1).toString("base64url") })],
    ["an EC P-384 key", () => generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey.export({ format: "jwk" })],
    ["an EC key claiming alg RS256", () => ({ ...es.publicJwk, alg: "RS256" })],
    ["an EC key claiming alg HS256", () => ({ ...es.publicJwk, alg: "HS256" })],
    ["an encryption key (use enc)", () => ({ ...es.publicJwk, use: "enc" })],
    ["a kid with a path", () => ({ ...es.publicJwk, kid: "../../etc/passwd" })],
    ["a point not on the curve", () => ({ ...es.publicJwk, y: es.publicJwk.x })],
    ["an EC key without y", () => ({ kty: "EC", crv: "P-256", x: es.publicJwk.x })],
  ])("refuses %s with 400 INVALID_SIGNING_KEY", async (_, jwk) => {
    expectError(await postSigningKey(t, org.privateKey, { jwk: jwk() }), "INVALID_SIGNING_KEY");
    const list = await t.app.inject({ method: "GET", url: "/signing-key", headers: bearer(org.privateKey) });
    expect(list.json()).toEqual([]);
  });

  it("refuses a kid already in use and a kid that could shadow a private key's ID", async () => {
    await registerJwk(t, org, es, "backend-1");
    expectError(await postSigningKey(t, org.privateKey, { jwk: { ...ed.publicJwk, kid: "backend-1" } }), "CONFLICT");
    expectError(await postSigningKey(t, org.privateKey, { jwk: { ...ed.publicJwk, kid: org.keyId } }), "CONFLICT");
  });

  it("refuses both jwk and jwksUrl, or neither", async () => {
    const both = await postSigningKey(t, org.privateKey, { jwk: es.publicJwk, jwksUrl: "https://example.com/jwks" });
    expectError(both, "VALIDATION_FAILED");
    expectError(await postSigningKey(t, org.privateKey, {}), "VALIDATION_FAILED");
  });

  it("a public-tag token cannot register signing keys", async () => {
    await registerJwk(t, org, es, "backend-1");
    const res = await t.app.inject({
      method: "POST",
      url: "/signing-key",
      headers: bearer(mint(es.privateJwk, "backend-1")),
      payload: { jwk: { ...ed.publicJwk, kid: "attacker" } },
    });
    expectError(res, "PRIVATE_KEY_REQUIRED");
  });

  it("DELETE /signing-key/:id stops its tokens at once", async () => {
    const registered = await registerJwk(t, org, es, "backend-1");
    const token = mint(es.privateJwk, "backend-1");
    expect((await start(token)).statusCode).toBe(201);
    const del = await t.app.inject({
      method: "DELETE",
      url: `/signing-key/${registered.id}`,
      headers: bearer(org.privateKey),
    });
    expect(del.statusCode, del.body).toBe(200);
    expectError(await start(token), "TOKEN_KEY_UNKNOWN");
    expectError(await start(mint(es.privateJwk, "backend-1")), "TOKEN_KEY_UNKNOWN");
  });

  it("another org's signing key does not verify this org's tokens, even with the same kid", async () => {
    const other = await createOrg(t, "Other");
    await registerJwk(t, other, es, "backend-1");
    expectError(await start(mint(es.privateJwk, "backend-1")), "TOKEN_KEY_UNKNOWN");
  });
});

describe("signing keys: JWKS URLs", () => {
  const registerUrl = (url: string) => postSigningKey(t, org.privateKey, { jwksUrl: url });

  it("a registered JWKS URL verifies tokens with any of its kids, fetched once and then cached", async () => {
    const server = await jwksServer({ keys: [publicEntry(es, "jwks-es"), publicEntry(ed, "jwks-ed")] });
    const res = await registerUrl(server.url);
    expect(res.statusCode, res.body).toBe(201);
    expect(body(res).kind).toBe("jwks");
    expect(server.requests).toBe(1);

    for (const [pair, kid] of [
      [es, "jwks-es"],
      [ed, "jwks-ed"],
      [es, "jwks-es"],
    ] as const) {
      const call = await start(mint(pair.privateJwk, kid));
      expect(call.statusCode, call.body).toBe(201);
      expect(body(call).keyId).toBe(body(res).id);
    }
    // No network call on the hot path while the cache is warm.
    expect(server.requests).toBe(1);
  });

  it.each<[string, (s: Fixture) => void]>([
    [
      "too slow (beyond timeoutMs)",
      (s) =>
        s.respond((_req, res) => {
          const timer = setTimeout(
            () => res.writeHead(200).end(JSON.stringify({ keys: [publicEntry(es, "a")] })),
            2000,
          );
          res.on("close", () => clearTimeout(timer));
        }),
    ],
    [
      "too large (over 64 KB)",
      (s) =>
        s.respond((_req, res) =>
          res.writeHead(200).end(JSON.stringify({ keys: [publicEntry(es, "a")], pad: "x".repeat(100_000) })),
        ),
    ],
    ["answering 500", (s) => s.respond((_req, res) => res.writeHead(500).end("{}"))],
    ["answering 404", (s) => s.respond((_req, res) => res.writeHead(404).end())],
    ["redirecting", (s) => s.respond((_req, res) => res.writeHead(302, { location: "http://127.0.0.1:1/" }).end())],
    ["not JSON", (s) => s.respond((_req, res) => res.writeHead(200).end("<html>"))],
    ["without a keys array", (s) => s.respond((_req, res) => res.writeHead(200).end("{}"))],
    [
      "with only keys lacking a kid",
      (s) => s.respond((_req, res) => res.writeHead(200).end(JSON.stringify({ keys: [es.publicJwk] }))),
    ],
    [
      "with only private keys",
      (s) =>
        s.respond((_req, res) => res.writeHead(200).end(JSON.stringify({ keys: [{ ...es.privateJwk, kid: "a" }] }))),
    ],
  ])("a JWKS server %s → 400 JWKS_FETCH_FAILED, nothing registered", async (_, behave) => {
    const server = await jwksServer({ keys: [] });
    behave(server);
    expectError(await registerUrl(server.url), "JWKS_FETCH_FAILED");
    const list = await t.app.inject({ method: "GET", url: "/signing-key", headers: bearer(org.privateKey) });
    expect(list.json()).toEqual([]);
  });

  it("an unreachable JWKS URL → 400 JWKS_FETCH_FAILED", async () => {
    const server = await jwksServer({ keys: [] });
    const { url } = server;
    await server.close();
    servers = [];
    expectError(await registerUrl(url), "JWKS_FETCH_FAILED");
  });

  it("unknown kids trigger at most one refetch per refetch window (30 s)", async () => {
    const server = await jwksServer({ keys: [publicEntry(es, "jwks-1")] });
    expect((await registerUrl(server.url)).statusCode).toBe(201);
    expect(server.requests).toBe(1);

    // Right after a fetch: no refetch at all.
    expectError(await start(mint(es.privateJwk, "unknown-0")), "TOKEN_KEY_UNKNOWN");
    expect(server.requests).toBe(1);

    t.clock.advance(30_000);
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) => start(mint(es.privateJwk, `unknown-${i + 1}`))),
    );
    for (const res of burst) expectError(res, "TOKEN_KEY_UNKNOWN");
    expectError(await start(mint(es.privateJwk, "unknown-11")), "TOKEN_KEY_UNKNOWN");
    expect(server.requests).toBe(2);

    t.clock.advance(29_000);
    expectError(await start(mint(es.privateJwk, "unknown-12")), "TOKEN_KEY_UNKNOWN");
    expect(server.requests).toBe(2);

    // The customer adds a key: after the window, its first token makes the one refetch and works.
    server.respond((_req, res) =>
      res.writeHead(200).end(JSON.stringify({ keys: [publicEntry(es, "jwks-1"), publicEntry(ed, "jwks-2")] })),
    );
    t.clock.advance(1_000);
    expect((await start(mint(ed.privateJwk, "jwks-2"))).statusCode).toBe(201);
    expect((await start(mint(ed.privateJwk, "jwks-2"))).statusCode).toBe(201);
    expect(server.requests).toBe(3);
  });

  it("keeps serving the last good set while the JWKS server fails", async () => {
    const server = await jwksServer({ keys: [publicEntry(es, "jwks-1")] });
    expect((await registerUrl(server.url)).statusCode).toBe(201);
    server.respond((_req, res) => res.writeHead(500).end());
    t.clock.advance(11 * 60_000); // past the 10-minute cache lifetime
    expect((await start(mint(es.privateJwk, "jwks-1"))).statusCode).toBe(201);
    expect(server.requests).toBe(2);
  });

  it("DELETE of a JWKS URL stops its tokens at once", async () => {
    const server = await jwksServer({ keys: [publicEntry(es, "jwks-1")] });
    const registered = await registerUrl(server.url);
    expect((await start(mint(es.privateJwk, "jwks-1"))).statusCode).toBe(201);
    const del = await t.app.inject({
      method: "DELETE",
      url: `/signing-key/${body(registered).id}`,
      headers: bearer(org.privateKey),
    });
    expect(del.statusCode).toBe(200);
    expectError(await start(mint(es.privateJwk, "jwks-1")), "TOKEN_KEY_UNKNOWN");
  });

  it("a jku header never replaces the registered URL: the attacker's server gets no request", async () => {
    const server = await jwksServer({ keys: [publicEntry(es, "jwks-1")] });
    const attacker = keyPair("ES256");
    const evil = await jwksServer({ keys: [publicEntry(attacker, "evil-1"), publicEntry(attacker, "jwks-1")] });
    expect((await registerUrl(server.url)).statusCode).toBe(201);
    t.clock.advance(60_000);
    for (const kid of ["evil-1", "jwks-1"]) {
      const header = { alg: "ES256", typ: "JWT", kid, jku: evil.url, x5u: evil.url };
      const token = jws(header, claims(t, org), "ES256", attacker.privateKey);
      expectError(await start(token), kid === "evil-1" ? "TOKEN_KEY_UNKNOWN" : "TOKEN_SIGNATURE_INVALID");
    }
    expect(evil.requests).toBe(0);
    expect(server.requests).toBe(2);
  });

  it("a token naming a JWKS kid but signed by another key is refused", async () => {
    const server = await jwksServer({ keys: [publicEntry(es, "jwks-1")] });
    expect((await registerUrl(server.url)).statusCode).toBe(201);
    const attacker = keyPair("ES256");
    expectError(await start(mint(attacker.privateJwk, "jwks-1")), "TOKEN_SIGNATURE_INVALID");
    expectError(await start(mint(ed.privateJwk, "jwks-1")), "TOKEN_ALG_NOT_ALLOWED");
  });
});
