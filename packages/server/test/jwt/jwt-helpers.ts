import { createHmac, generateKeyPairSync, type JsonWebKey, type KeyObject, randomBytes, sign } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { type AppOptions, createApp, createCipher, KyselyStore, openSqlite } from "../../src/index.ts";
import { bearer, body, type Json, type Org, PUBLIC_URL, type TestApp, type TestClock } from "../helpers.ts";

const START = Date.parse("2025-01-01T00:00:00.000Z");

/**
 * Like `buildTestApp`, plus JWKS limits: tests shorten the fetch timeout and size cap so a slow or
 * huge JWKS server is refused quickly. Fresh database, master key and clock for each app.
 */
export async function buildJwtApp(options: { jwks?: AppOptions["jwks"] } = {}): Promise<TestApp> {
  const db = await openSqlite(":memory:");
  const store = new KyselyStore(db);
  const cipher = createCipher(randomBytes(32));
  let now = START;
  const clock: TestClock = {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
  const app = await createApp({
    store,
    cipher,
    clock,
    jwks: { timeoutMs: 500, ...options.jwks },
    config: { publicUrl: PUBLIC_URL, keyCacheSize: 1000, keyCacheTtlSeconds: 30 },
  });
  await app.ready();
  return {
    app,
    db,
    store,
    cipher,
    clock,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** The test clock in JWT seconds. */
export const nowSeconds = (t: TestApp): number => Math.floor(t.clock.now() / 1000);

export const b64url = (value: string | Uint8Array): string => Buffer.from(value).toString("base64url");

/** Base64url of a JSON text given as is, so a test can hand-build duplicate keys or odd spellings. */
export const segment = (value: unknown): string => b64url(typeof value === "string" ? value : JSON.stringify(value));

export type Alg = "HS256" | "ES256" | "EdDSA" | "RS256";

/** Signs `header.payload` text: HMAC-SHA256 with a secret, or an asymmetric private key. */
export function signInput(input: string, alg: Alg, key: string | Buffer | KeyObject): string {
  if (alg === "HS256")
    return createHmac("sha256", key as string | Buffer)
      .update(input)
      .digest("base64url");
  const signature = sign(alg === "EdDSA" ? null : "sha256", Buffer.from(input), {
    key: key as KeyObject,
    ...(alg === "ES256" && { dsaEncoding: "ieee-p1363" as const }),
  });
  return signature.toString("base64url");
}

/** A compact JWS from header and payload (objects, or JSON texts used verbatim). */
export function jws(header: unknown, payload: unknown, alg: Alg, key: string | Buffer | KeyObject): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${signInput(input, alg, key)}`;
}

/** Claims of a valid public token for `org`: 10 minutes, no restrictions beyond the tag's. */
export function claims(t: TestApp, org: Org, extra: Json = {}): Json {
  const iat = nowSeconds(t);
  return { orgId: org.orgId, token: { tag: "public", restrictions: {} }, iat, exp: iat + 600, ...extra };
}

/** An HS256 token signed with the org's private key, naming it in `kid` unless `kid: undefined`. */
export function hsToken(t: TestApp, org: Org, extra: Json = {}, header: Json = { kid: org.keyId }): string {
  return jws({ alg: "HS256", typ: "JWT", ...header }, claims(t, org, extra), "HS256", org.privateKey);
}

export type KeyPair = { alg: Alg; privateKey: KeyObject; privateJwk: JsonWebKey; publicJwk: JsonWebKey; pem: string };

/** A fresh asymmetric key pair, with its public half as a JWK (no kid) and SPKI PEM. */
export function keyPair(alg: Exclude<Alg, "HS256">, rsaBits = 2048): KeyPair {
  const { privateKey, publicKey } =
    alg === "ES256"
      ? generateKeyPairSync("ec", { namedCurve: "P-256" })
      : alg === "EdDSA"
        ? generateKeyPairSync("ed25519")
        : generateKeyPairSync("rsa", { modulusLength: rsaBits });
  return {
    alg,
    privateKey,
    privateJwk: privateKey.export({ format: "jwk" }),
    publicJwk: publicKey.export({ format: "jwk" }),
    pem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** Registers a public JWK (or a JWKS URL) through the REST API; returns the raw response. */
export function postSigningKey(
  t: TestApp,
  privateKey: string,
  input: { jwk?: JsonWebKey; jwksUrl?: string; name?: string },
): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: "POST", url: "/signing-key", headers: bearer(privateKey), payload: input });
}

/** Registers `pair`'s public half under `kid` and expects it accepted. */
export async function registerJwk(t: TestApp, org: Org, pair: KeyPair, kid: string): Promise<Json & { id: string }> {
  const res = await postSigningKey(t, org.privateKey, { jwk: { ...pair.publicJwk, kid } });
  expect(res.statusCode, res.body).toBe(201);
  return body(res) as Json & { id: string };
}

/** Calls created in the org so far (a refused request must create none). */
export async function callCount(t: TestApp, org: Org): Promise<number> {
  const res = await t.app.inject({ method: "GET", url: "/call", headers: bearer(org.privateKey) });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as unknown[]).length;
}

export type Fixture = {
  url: string;
  /** Requests received so far. */
  readonly requests: number;
  /** Replaces what the server answers with. */
  respond(handler: (req: IncomingMessage, res: ServerResponse) => void): void;
  close(): Promise<void>;
};

/** A local HTTP server on 127.0.0.1 that counts requests; by default it answers `jwks` as JSON. */
export async function startServer(jwks: unknown = { keys: [] }): Promise<Fixture> {
  let count = 0;
  let handler = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(jwks));
  };
  const server = createServer((req, res) => {
    count++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get requests() {
      return count;
    },
    respond(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
