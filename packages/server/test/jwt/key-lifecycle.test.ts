import { generateKeyValue } from "@portcullis/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  bearer,
  body,
  createAssistant,
  createKey,
  createOrg,
  createPublicKey,
  expectError,
  type Json,
  type Org,
  type TestApp,
  webCall,
} from "../helpers.ts";
import { buildJwtApp, claims, hsToken, jws } from "./jwt-helpers.ts";

let t: TestApp;
let org: Org;
let assistantId: string;
/** A second private key of the org: the one rotated, revoked or disabled, while `org.privateKey` administers. */
let key: { id: string; value: string };
beforeEach(async () => {
  t = await buildJwtApp();
  org = await createOrg(t);
  assistantId = (await createAssistant(t, org.privateKey)).id;
  const created = await createKey(t, org.privateKey, { tag: "private", name: "Backend signer" });
  key = { id: created.id, value: created.value };
});
afterEach(async () => {
  await t.close();
});

/** A public token signed with `secret`, naming `kid` unless it is undefined; minted at the clock's now. */
const signed = (secret: string, kid: string | undefined) =>
  jws({ alg: "HS256", typ: "JWT", ...(kid !== undefined && { kid }) }, claims(t, org), "HS256", secret);
const start = (token: string) => webCall(t, token, { assistantId });
const admin = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: Json) =>
  t.app.inject({ method, url, headers: bearer(org.privateKey), ...(payload !== undefined && { payload }) });
const listWith = (value: string) => t.app.inject({ method: "GET", url: "/token", headers: bearer(value) });

describe("client tokens: revoked and disabled keys", () => {
  it("a revoked key's tokens are refused at once, with and without kid", async () => {
    const withKid = signed(key.value, key.id);
    const withoutKid = signed(key.value, undefined);
    expect((await start(withKid)).statusCode).toBe(201);
    expect((await start(withoutKid)).statusCode).toBe(201);

    expect((await admin("DELETE", `/token/${key.id}`)).statusCode).toBe(200);
    expectError(await start(withKid), "TOKEN_KEY_UNKNOWN");
    expectError(await start(withoutKid), "TOKEN_SIGNATURE_INVALID");
    expectError(await listWith(key.value), "KEY_REVOKED");
    // The org's other key is untouched.
    expect((await start(hsToken(t, org))).statusCode).toBe(201);
  });

  it("a disabled key's tokens are refused (KEY_DISABLED with kid) until it is enabled again", async () => {
    const withKid = signed(key.value, key.id);
    const withoutKid = signed(key.value, undefined);
    expect((await admin("PATCH", `/token/${key.id}`, { restrictions: { enabled: false } })).statusCode).toBe(200);
    expectError(await start(withKid), "KEY_DISABLED");
    expectError(await start(withoutKid), "TOKEN_SIGNATURE_INVALID");

    expect((await admin("PATCH", `/token/${key.id}`, { restrictions: { enabled: true } })).statusCode).toBe(200);
    expect((await start(withKid)).statusCode).toBe(201);
    expect((await start(withoutKid)).statusCode).toBe(201);
  });

  it("a public key's value cannot sign tokens: it is published, so it is no HMAC secret", async () => {
    const publicKey = await createPublicKey(t, org.privateKey);
    expectError(await start(signed(publicKey.value, publicKey.id)), "TOKEN_KEY_UNKNOWN");
    expectError(await start(signed(publicKey.value, undefined)), "TOKEN_SIGNATURE_INVALID");
  });
});

describe("client tokens: rotation with a grace period (controllable clock)", () => {
  it("old value and its tokens work for gracePeriodSeconds, then stop; the new value works", async () => {
    const oldWithKid = signed(key.value, key.id);
    const oldWithoutKid = signed(key.value, undefined);
    const res = await admin("POST", `/token/${key.id}/rotate`, { gracePeriodSeconds: 60 });
    expect(res.statusCode, res.body).toBe(200);
    const fresh = String(body(res).value);
    expect(fresh).not.toBe(key.value);
    expect(body(res).id).toBe(key.id);

    for (const elapsed of [0, 59_000]) {
      t.clock.advance(elapsed);
      expect((await listWith(key.value)).statusCode).toBe(200);
      expect((await start(oldWithKid)).statusCode).toBe(201);
      expect((await start(oldWithoutKid)).statusCode).toBe(201);
      expect((await start(signed(key.value, key.id))).statusCode).toBe(201);
      expect((await start(signed(fresh, key.id))).statusCode).toBe(201);
      expect((await listWith(fresh)).statusCode).toBe(200);
    }

    t.clock.advance(1_000); // 60 s after the rotation: the grace period is over
    expectError(await listWith(key.value), "KEY_ROTATED");
    expectError(await start(oldWithKid), "TOKEN_SIGNATURE_INVALID");
    expectError(await start(oldWithoutKid), "TOKEN_SIGNATURE_INVALID");
    expectError(await start(signed(key.value, key.id)), "TOKEN_SIGNATURE_INVALID");
    expect((await listWith(fresh)).statusCode).toBe(200);
    expect((await start(signed(fresh, key.id))).statusCode).toBe(201);
    expect((await start(signed(fresh, undefined))).statusCode).toBe(201);
  });

  it.each([
    ["an empty body", {}],
    ["gracePeriodSeconds 0", { gracePeriodSeconds: 0 }],
    ["no body", undefined],
  ])("rotating with %s stops the old value and its tokens at once", async (_, payload) => {
    const oldToken = signed(key.value, key.id);
    expect((await start(oldToken)).statusCode).toBe(201);
    const res = await admin("POST", `/token/${key.id}/rotate`, payload);
    expect(res.statusCode, res.body).toBe(200);
    const fresh = String(body(res).value);
    expectError(await listWith(key.value), "KEY_ROTATED");
    expectError(await start(oldToken), "TOKEN_SIGNATURE_INVALID");
    expect((await start(signed(fresh, key.id))).statusCode).toBe(201);
  });

  it("revoking during the grace period stops both values and all their tokens at once", async () => {
    const oldToken = signed(key.value, key.id);
    const res = await admin("POST", `/token/${key.id}/rotate`, { gracePeriodSeconds: 3600 });
    const fresh = String(body(res).value);
    expect((await start(oldToken)).statusCode).toBe(201);
    expect((await admin("DELETE", `/token/${key.id}`)).statusCode).toBe(200);
    expectError(await start(oldToken), "TOKEN_KEY_UNKNOWN");
    expectError(await start(signed(fresh, key.id)), "TOKEN_KEY_UNKNOWN");
    expectError(await listWith(key.value), "KEY_REVOKED");
    expectError(await listWith(fresh), "KEY_REVOKED");
  });
});

describe("HS256 secrets are at least 32 bytes by construction", () => {
  it("every private key value the API, rotation and org creation hand out is ≥ 32 bytes as UTF-8", async () => {
    const values = [org.privateKey, key.value];
    for (let i = 0; i < 20; i++) values.push((await createKey(t, org.privateKey, { tag: "private" })).value);
    for (let i = 0; i < 5; i++) {
      const res = await admin("POST", `/token/${key.id}/rotate`, { gracePeriodSeconds: 0 });
      values.push(String(body(res).value));
    }
    values.push((await createOrg(t, "Another")).privateKey);
    for (const value of values) expect(Buffer.byteLength(value, "utf8")).toBeGreaterThanOrEqual(32);
  });

  it("the key generator never makes a shorter value (10 000 draws)", () => {
    for (let i = 0; i < 10_000; i++)
      expect(Buffer.byteLength(generateKeyValue("private"), "utf8")).toBeGreaterThanOrEqual(32);
  });
});
