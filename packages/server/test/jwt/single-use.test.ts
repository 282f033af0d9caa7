import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, createAssistant, createOrg, expectError, type Org, type TestApp, webCall } from "../helpers.ts";
import { buildJwtApp, callCount, hsToken } from "./jwt-helpers.ts";

let t: TestApp;
let org: Org;
let assistantId: string;
beforeEach(async () => {
  t = await buildJwtApp();
  org = await createOrg(t);
  assistantId = (await createAssistant(t, org.privateKey)).id;
});
afterEach(async () => {
  await t.close();
});

const ALLOWED = "https://app.example.com";
const singleUse = (jti: string, restrictions = {}, tag: "public" | "private" = "public") =>
  hsToken(t, org, { jti, token: { tag, restrictions, singleUse: true } });

describe("client tokens: single use (jti + token.singleUse)", () => {
  it("starts one call; the replay is refused with TOKEN_REPLAYED", async () => {
    const token = singleUse("jti-1");
    expect((await webCall(t, token, { assistantId })).statusCode).toBe(201);
    expectError(await webCall(t, token, { assistantId }), "TOKEN_REPLAYED");
    expect(await callCount(t, org)).toBe(1);
  });

  it("stays refused until it expires, even when the clock moves on", async () => {
    const token = singleUse("jti-1");
    expect((await webCall(t, token, { assistantId })).statusCode).toBe(201);
    t.clock.advance(599_000);
    expectError(await webCall(t, token, { assistantId }), "TOKEN_REPLAYED");
    t.clock.advance(1_000);
    expectError(await webCall(t, token, { assistantId }), "TOKEN_EXPIRED");
  });

  it("a different token with the same jti is a replay too (jti is per org)", async () => {
    expect((await webCall(t, singleUse("jti-1"), { assistantId })).statusCode).toBe(201);
    const again = hsToken(t, org, { jti: "jti-1", sub: "someone-else", token: { tag: "public", singleUse: true } });
    expectError(await webCall(t, again, { assistantId }), "TOKEN_REPLAYED");
  });

  it("the same jti in another org is not a replay", async () => {
    const other = await createOrg(t, "Other");
    const otherAssistant = (await createAssistant(t, other.privateKey)).id;
    expect((await webCall(t, singleUse("jti-1"), { assistantId })).statusCode).toBe(201);
    const token = hsToken(t, other, { jti: "jti-1", token: { tag: "public", singleUse: true } });
    expect((await webCall(t, token, { assistantId: otherAssistant })).statusCode).toBe(201);
  });

  it("is not spent by a request its rules refuse: a later request from the allowed origin succeeds", async () => {
    const token = singleUse("jti-1", { allowedOrigins: [ALLOWED], allowedAssistantIds: [assistantId] });
    expectError(await webCall(t, token, { assistantId }, "https://evil.example"), "ORIGIN_NOT_ALLOWED");
    expectError(await webCall(t, token, { assistantId: "asst_other" }, ALLOWED), "ASSISTANT_NOT_ALLOWED");
    expectError(await webCall(t, token, { assistantId, assistant: { name: "x" } }, ALLOWED), "VALIDATION_FAILED");
    const res = await webCall(t, token, { assistantId }, ALLOWED);
    expect(res.statusCode, res.body).toBe(201);
    expectError(await webCall(t, token, { assistantId }, ALLOWED), "TOKEN_REPLAYED");
  });

  it("20 parallel requests with one token start exactly one call", async () => {
    const token = singleUse("jti-race");
    const results = await Promise.all(Array.from({ length: 20 }, () => webCall(t, token, { assistantId })));
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    for (const res of results.filter((r) => r.statusCode !== 201)) expectError(res, "TOKEN_REPLAYED");
    expect(await callCount(t, org)).toBe(1);
  });

  it("singleUse without jti is refused as malformed", async () => {
    const token = hsToken(t, org, { token: { tag: "public", restrictions: {}, singleUse: true } });
    expectError(await webCall(t, token, { assistantId }), "TOKEN_MALFORMED");
    expect(await callCount(t, org)).toBe(0);
  });

  it("a jti without singleUse does not make the token single-use", async () => {
    const token = hsToken(t, org, { jti: "jti-1" });
    expect((await webCall(t, token, { assistantId })).statusCode).toBe(201);
    expect((await webCall(t, token, { assistantId })).statusCode).toBe(201);
  });

  it("a private-tag single-use token is spent on its first private request", async () => {
    const token = singleUse("jti-private", {}, "private");
    const first = await t.app.inject({ method: "GET", url: "/token", headers: bearer(token) });
    expect(first.statusCode, first.body).toBe(200);
    expect((first.json() as unknown[]).length).toBeGreaterThan(0);
    expectError(await t.app.inject({ method: "GET", url: "/token", headers: bearer(token) }), "TOKEN_REPLAYED");
  });
});
