import type { ErrorCode } from "@portcullis/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SecondSight } from "../../src/auth/jwt/second-sight.ts";
import { TokenVerifier } from "../../src/auth/jwt/token-verifier.ts";
import {
  bearer,
  createAssistant,
  createKey,
  createOrg,
  expectError,
  type Org,
  type TestApp,
  webCall,
} from "../helpers.ts";
import { buildJwtApp, claims, jws } from "./jwt-helpers.ts";

let t: TestApp;
let org: Org;
let assistantId: string;
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

const signed = (kid: string | undefined, extra = {}) =>
  jws({ alg: "HS256", typ: "JWT", ...(kid !== undefined && { kid }) }, claims(t, org, extra), "HS256", key.value);
const start = (token: string) => webCall(t, token, { assistantId });
const admin = (method: "PATCH" | "DELETE" | "POST", url: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(org.privateKey), ...(payload !== undefined && { payload }) });

/** Starts three calls with the token: verified, verified again and cached, then answered from the cache. */
async function warm(token: string) {
  for (let i = 0; i < 3; i++) expect((await start(token)).statusCode).toBe(201);
  expect(fullVerifications).toHaveBeenCalledTimes(2);
}

describe("verified-token cache: a token is cached the second time it verifies", () => {
  it("the first two uses verify in full, later ones are answered from the cache", async () => {
    const token = signed(key.id);
    expect((await start(token)).statusCode).toBe(201);
    expect((await start(token)).statusCode).toBe(201);
    expect(fullVerifications).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 3; i++) expect((await start(token)).statusCode).toBe(201);
    expect(fullVerifications).toHaveBeenCalledTimes(2);
  });

  it("a token used once is not cached: distinct tokens each verify in full", async () => {
    for (let i = 0; i < 5; i++) expect((await start(signed(key.id, { jti: `t-${i}` }))).statusCode).toBe(201);
    expect(fullVerifications).toHaveBeenCalledTimes(5);
  });

  it("a single-use token stays refused on every replay, cached or not", async () => {
    const token = signed(key.id, { jti: "once", token: { tag: "public", restrictions: {}, singleUse: true } });
    expect((await start(token)).statusCode).toBe(201);
    for (let i = 0; i < 4; i++) expectError(await start(token), "TOKEN_REPLAYED");
    expect(fullVerifications).toHaveBeenCalledTimes(2);
  });

  it("a cached token differing only in its payload is not taken for the cached one", async () => {
    const token = signed(key.id);
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
    const token = signed(key.id);
    await warm(token);
    expect((await change()).statusCode).toBe(200);
    expectError(await start(token), code);
  });

  it("refused after its key's rotation grace period ends", async () => {
    const token = signed(key.id);
    await warm(token);
    expect((await admin("POST", `/token/${key.id}/rotate`, { gracePeriodSeconds: 60 })).statusCode).toBe(200);
    expect((await start(token)).statusCode).toBe(201);
    t.clock.advance(60_000);
    expectError(await start(token), "TOKEN_SIGNATURE_INVALID");
  });

  it("refused once it expires", async () => {
    const token = signed(key.id);
    await warm(token);
    t.clock.advance(600_000);
    expectError(await start(token), "TOKEN_EXPIRED");
  });

  it("refused when its org lowers maxTokenTtlSeconds below its lifetime", async () => {
    const token = signed(key.id);
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
