import { randomBytes } from "node:crypto";
import { ERROR_CATALOG, type ErrorCode, type RestrictionsInput } from "@portcullis/core";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Kysely } from "kysely";
import { expect } from "vitest";
import { type Cipher, createApp, createCipher, createOrgWithKey, KyselyStore, openSqlite } from "../src/index.ts";
import type { Database } from "../src/storage/database.ts";
import type { Store } from "../src/storage/store.ts";

export const PUBLIC_URL = "http://localhost:8787";
const START = Date.parse("2025-01-01T00:00:00.000Z");

/** A clock the test moves by hand; nothing sleeps. */
export type TestClock = { now(): number; advance(ms: number): void };

export type TestApp = {
  app: FastifyInstance;
  /** The app's own database, for asserting what is stored at rest. */
  db: Kysely<Database>;
  store: Store;
  cipher: Cipher;
  clock: TestClock;
  close(): Promise<void>;
};

export type Org = { orgId: string; keyId: string; privateKey: string };

/** A body as the API answers it (keys, assistants, calls, errors). */
export type Json = Record<string, unknown>;

/**
 * A fresh app on its own in-memory SQLite database, master key and clock: tests share no state.
 * `wrapStore` lets a test put a faulty store in front of the real one.
 */
export async function buildTestApp(options: { wrapStore?: (store: Store) => Store } = {}): Promise<TestApp> {
  const db = await openSqlite(":memory:");
  const real = new KyselyStore(db);
  const store = options.wrapStore ? options.wrapStore(real) : real;
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
    config: { publicUrl: PUBLIC_URL, keyCacheSize: 1000, keyCacheTtlSeconds: 30 },
  });
  await app.ready();
  return {
    app,
    db,
    store: real,
    cipher,
    clock,
    async close() {
      await app.close();
      await real.close();
    },
  };
}

/** A new org and its first private key, as `portcullis init` makes them. */
export async function createOrg(t: TestApp, name = "Acme"): Promise<Org> {
  const { org, keyId, privateKey } = await createOrgWithKey(t.store, t.cipher, {
    name,
    at: new Date(t.clock.now()).toISOString(),
  });
  return { orgId: org.id, keyId, privateKey };
}

export const bearer = (key: string): { authorization: string } => ({ authorization: `Bearer ${key}` });

/** Parses a JSON body (failing the test when it is not JSON). */
export function body(res: LightMyRequestResponse): Json {
  return res.json() as Json;
}

/**
 * Asserts the one error body of the design and returns it: status and code from the catalog,
 * a message, a docs link to the code's anchor, and a `req_` request ID.
 */
export function expectError(res: LightMyRequestResponse, code: ErrorCode, field?: string): Json {
  const status = ERROR_CATALOG[code].status;
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  const err = body(res);
  expect({ status: res.statusCode, code: err.code }).toEqual({ status, code });
  expect(err.statusCode).toBe(status);
  expect(typeof err.error).toBe("string");
  expect(err.error).not.toBe("");
  expect(typeof err.message).toBe("string");
  expect(err.message).not.toBe("");
  expect(err.docs).toEqual(expect.stringContaining(`#${code.toLowerCase()}`));
  expect(err.requestId).toMatch(/^req_[A-Za-z0-9_-]+$/);
  if (field !== undefined) expect(err.field).toBe(field);
  return err;
}

/** Creates a key through the REST API and returns the create response (the only one with a private value). */
export async function createKey(
  t: TestApp,
  privateKey: string,
  input: { tag?: "private" | "public"; name?: string; restrictions?: RestrictionsInput } = {},
): Promise<Json & { id: string; value: string }> {
  const res = await t.app.inject({ method: "POST", url: "/token", headers: bearer(privateKey), payload: input });
  expect(res.statusCode, res.body).toBe(201);
  return body(res) as Json & { id: string; value: string };
}

/** A public key with the given restrictions. */
export function createPublicKey(
  t: TestApp,
  privateKey: string,
  restrictions?: RestrictionsInput,
): Promise<Json & { id: string; value: string }> {
  return createKey(t, privateKey, { tag: "public", name: "Browser key", ...(restrictions && { restrictions }) });
}

/** A saved assistant, created through the REST API. */
export async function createAssistant(
  t: TestApp,
  privateKey: string,
  input: Json = { name: "Support", firstMessage: "Hello!" },
): Promise<Json & { id: string }> {
  const res = await t.app.inject({ method: "POST", url: "/assistant", headers: bearer(privateKey), payload: input });
  expect(res.statusCode, res.body).toBe(201);
  return body(res) as Json & { id: string };
}

/**
 * `POST /call/web` as a browser sends it: a bearer key (none when undefined), an Origin (none when
 * null; an array sends the header once per value) and a JSON body.
 */
export function webCall(
  t: TestApp,
  key: string | undefined,
  payload: Json,
  origin: string | string[] | null = "https://app.example.com",
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string | string[]> = {};
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  if (origin !== null) headers.origin = origin;
  return t.app.inject({ method: "POST", url: "/call/web", headers, payload });
}

/** Checks the server still answers after a bad request. */
export async function expectHealthy(t: TestApp): Promise<void> {
  const res = await t.app.inject({ method: "GET", url: "/health" });
  expect(res.statusCode).toBe(200);
  expect(body(res).status).toBe("ok");
}
