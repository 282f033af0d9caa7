import { type ErrorCode, generateKeyValue } from "@portcullis/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SecondSight } from "../../src/auth/jwt/second-sight.ts";
import { TokenVerifier } from "../../src/auth/jwt/token-verifier.ts";
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
/** How many times a token went through full verification (not answered from the verified-token cache). */
let fullVerifications: ReturnType<typeof vi.spyOn>;
beforeEach(async () => {
  t = await buildJwtApp();
  org = await createOrg(t);
  assistantId = (await createAssistant(t, org.privateKey)).id;
  const created = await createKey(t, org.privateKey, { tag: "private", name: "Backend signer" });
  key = { id: created.id, value: created.value };
  // biome-ignore lint/suspicious/noExplicitAny: spying on a private method, to see which path answered
  fullVerifications = vi.spyOn(TokenVerifier.prototype as any, "verifyFresh");
});
afterEach(async () => {
  vi.restoreAllMocks();
  await t.close();
});

/** A public token signed with `secret`, naming `kid` unless it is undefined; minted at the clock's now. */
const signed = (secret: string, kid: string | undefined, extra: Json = {}) =>
  jws({ alg: "HS256", typ: "JWT", ...(kid !== undefined && { kid }) }, claims(t, org, extra), "HS256", secret);
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

/** Starts three calls with the token: verified, verified again and cached, then answered from the cache. */
async function warm(token: string) {
  for (let i = 0; i < 3; i++) expect((await start(token)).statusCode).toBe(201);
  expect(fullVerifications).toHaveBeenCalledTimes(2);
}

describe("verified-token cache: a token is cached the second time it verifies", () => {
  it("the first two uses verify in full, later ones are answered from the cache", async () => {
    const token = signed(key.value, key.id);
    expect((await start(token)).statusCode).toBe(201);
    expect((await start(token)).statusCode).toBe(201);
    expect(fullVerifications).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 3; i++) expect((await start(token)).statusCode).toBe(201);
    expect(fullVerifications).toHaveBeenCalledTimes(2);
  });

  it("a token used once is not cached: distinct tokens each verify in full", async () => {
    for (let i = 0; i < 5; i++)
      expect((await start(signed(key.value, key.id, { jti: `t-${i}` }))).statusCode).toBe(201);
    expect(fullVerifications).toHaveBeenCalledTimes(5);
  });

  it("a single-use token stays refused on every replay, cached or not", async () => {
    const token = signed(key.value, key.id, {
      jti: "once",
      token: { tag: "public", restrictions: {}, singleUse: true },
    });
    expect((await start(token)).statusCode).toBe(201);
    for (let i = 0; i < 4; i++) expectError(await start(token), "TOKEN_REPLAYED");
    expect(fullVerifications).toHaveBeenCalledTimes(2);
  });

  it("a cached token differing only in its payload is not taken for the cached one", async () => {
    const token = signed(key.value, key.id);
    await warm(token);
    const [header, , signature] = token.split(".");
    const forged = `${header}.${Buffer.from(JSON.stringify(claims(t, org, { sub: "someone-else" }))).toString("base64url")}.${signature}`;
    expectError(await start(forged), "TOKEN_SIGNATURE_INVALID");
  });
});

describe("verified-token cache: a cached token stops when what it relied on changes", () => {
  it.each<[string, () => ReturnType<typeof admin>, ErrorCode]>([
    ["its key is revoked", () => admin("DELETE", `/token/${key.id}`), "TOKEN_KEY_UNKNOWN"],
    [
      "its key is disabled",
      () => admin("PATCH", `/token/${key.id}`, { restrictions: { enabled: false } }),
      "KEY_DISABLED",
    ],
    ["its key is rotated without grace", () => admin("POST", `/token/${key.id}/rotate`, {}), "TOKEN_SIGNATURE_INVALID"],
  ])("refused at once when %s", async (_, change, code) => {
    const token = signed(key.value, key.id);
    await warm(token);
    expect((await change()).statusCode).toBe(200);
    expectError(await start(token), code);
  });

  it("refused after its key's rotation grace period ends", async () => {
    const token = signed(key.value, key.id);
    await warm(token);
    expect((await admin("POST", `/token/${key.id}/rotate`, { gracePeriodSeconds: 60 })).statusCode).toBe(200);
    expect((await start(token)).statusCode).toBe(201);
    t.clock.advance(60_000);
    expectError(await start(token), "TOKEN_SIGNATURE_INVALID");
  });

  it("refused once it expires", async () => {
    const token = signed(key.value, key.id);
    await warm(token);
    t.clock.advance(600_000);
    expectError(await start(token), "TOKEN_EXPIRED");
  });

  it("refused when its org lowers maxTokenTtlSeconds below its lifetime", async () => {
    const token = signed(key.value, key.id);
    await warm(token);
    expect((await admin("PATCH", "/org", { maxTokenTtlSeconds: 300 })).statusCode).toBe(200);
    expectError(await start(token), "TOKEN_LIFETIME_TOO_LONG");
  });
});

describe("SecondSight", () => {
  it("answers false the first time a signature is seen and true after", () => {
    const sight = new SecondSight();
    expect(sight.seenBefore("Ab3_xYz-0123456789abcdefghijklmnopqrstuvwxy")).toBe(false);
    expect(sight.seenBefore("Ab3_xYz-0123456789abcdefghijklmnopqrstuvwxy")).toBe(true);
    expect(sight.seenBefore("Zb3_xYz-0123456789abcdefghijklmnopqrstuvwxy")).toBe(false);
  });

  it("forgets little among many distinct signatures, and admits few of them by mistake", () => {
    const sight = new SecondSight();
    const signatures = Array.from({ length: 2000 }, (_, i) =>
      Buffer.from(`${i}-${i * 7919}-signature-bytes`).toString("base64url"),
    );
    const falseAdmissions = signatures.filter((s) => sight.seenBefore(s)).length;
    expect(falseAdmissions).toBeLessThan(5);
    const remembered = signatures.filter((s) => sight.seenBefore(s)).length;
    expect(remembered).toBeGreaterThan(1700);
  });
});
