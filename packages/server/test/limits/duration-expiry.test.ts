import { createClientToken } from "@portcullis/node";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, body, createKey, expectError, webCall } from "../helpers.ts";
import {
  APP_ORIGIN,
  buildLimitsApp,
  expectExactly,
  type LimitsApp,
  limitedKey,
  scriptAssistant,
  startMany,
  userToken,
} from "./harness.ts";

const HOUR = 3_600_000;

let t: LimitsApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setUp(): Promise<LimitsApp> {
  t = await buildLimitsApp();
  return t;
}

describe("maxCallDurationSeconds", () => {
  it.each([
    ["caps a longer assistant", 600, undefined, 120],
    ["leaves a shorter assistant alone", 60, undefined, 60],
    ["caps an allowed override too", 600, 300, 120],
    ["lets an override shorten further", 600, 30, 30],
  ])("%s", async (_name, assistantMax, override, expected) => {
    const app = await setUp();
    const assistantId = await scriptAssistant(app, app.org.privateKey, assistantMax);
    const key = await limitedKey(app, {
      maxCallDurationSeconds: 120,
      allowedOverrides: ["variableValues", "maxDurationSeconds"],
    });
    const res = await webCall(app, key.value, {
      assistantId,
      ...(override !== undefined && { assistantOverrides: { maxDurationSeconds: override } }),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(body(res).maxDurationSeconds).toBe(expected);
  });

  it("applies inside a token", async () => {
    const app = await setUp();
    const assistantId = await scriptAssistant(app, app.org.privateKey, 600);
    const res = await webCall(app, userToken(app, "u1", { maxCallDurationSeconds: 45 }), { assistantId });
    expect(body(res).maxDurationSeconds).toBe(45);
  });

  it("a spend cap reserves the capped duration, not the assistant's", async () => {
    const app = await setUp();
    const assistantId = await scriptAssistant(app, app.org.privateKey, 600);
    const key = await limitedKey(app, { maxCallDurationSeconds: 60, spendLimit: { minutes: 3, period: "day" } });
    expectExactly(await startMany(app, 30, key.value, { assistantId }), 3, "SPEND_LIMIT_REACHED");
  });
});

describe("expiresAt", () => {
  it("a public key works until its expiresAt, then answers 403 KEY_EXPIRED", async () => {
    const app = await setUp();
    const assistantId = await scriptAssistant(app, app.org.privateKey);
    const key = await limitedKey(app, { expiresAt: new Date(app.clock.now() + HOUR).toISOString() });
    expect((await webCall(app, key.value, { assistantId })).statusCode).toBe(201);
    app.clock.advance(HOUR - 1_000);
    expect((await webCall(app, key.value, { assistantId })).statusCode).toBe(201);
    app.clock.advance(1_000);
    expectError(await webCall(app, key.value, { assistantId }), "KEY_EXPIRED");
    expectError(await webCall(app, key.value, { assistantId }, null), "KEY_EXPIRED");
  });

  it("moving expiresAt later by PATCH revives the key", async () => {
    const app = await setUp();
    const assistantId = await scriptAssistant(app, app.org.privateKey);
    const key = await limitedKey(app, { expiresAt: new Date(app.clock.now() - 1).toISOString() });
    expectError(await webCall(app, key.value, { assistantId }), "KEY_EXPIRED");
    const patched = await app.app.inject({
      method: "PATCH",
      url: `/token/${key.id}`,
      headers: bearer(app.org.privateKey),
      payload: {
        restrictions: { allowedOrigins: [APP_ORIGIN], expiresAt: new Date(app.clock.now() + HOUR).toISOString() },
      },
    });
    expect(patched.statusCode).toBe(200);
    expect((await webCall(app, key.value, { assistantId })).statusCode).toBe(201);
  });

  it("a token carrying expiresAt is refused after it, even while the JWT itself is valid", async () => {
    const app = await setUp();
    const assistantId = await scriptAssistant(app, app.org.privateKey);
    const token = userToken(app, "u1", { expiresAt: new Date(app.clock.now() + 60_000).toISOString() });
    expect((await webCall(app, token, { assistantId })).statusCode).toBe(201);
    app.clock.advance(60_000);
    expectError(await webCall(app, token, { assistantId }), "KEY_EXPIRED");
  });

  it("a private key with expiresAt stops working on the private routes", async () => {
    const app = await setUp();
    const key = await createKey(app, app.org.privateKey, {
      tag: "private",
      restrictions: { expiresAt: new Date(app.clock.now() + HOUR).toISOString() },
    });
    const list = () => app.app.inject({ method: "GET", url: "/token", headers: bearer(key.value) });
    expect((await list()).statusCode).toBe(200);
    app.clock.advance(HOUR);
    expectError(await list(), "KEY_EXPIRED");
    // Nor do the tokens it signs, with or without its kid: they carry its authority.
    const assistantId = await scriptAssistant(app, app.org.privateKey);
    const mint = (withKid: boolean) =>
      createClientToken({
        privateKey: key.value,
        ...(withKid && { keyId: key.id }),
        orgId: app.org.orgId,
        now: Math.floor(app.clock.now() / 1000),
      });
    expectError(await webCall(app, mint(true), { assistantId }), "KEY_EXPIRED");
    expectError(await webCall(app, mint(false), { assistantId }), "TOKEN_SIGNATURE_INVALID");
    // The org's other private key still signs tokens that work.
    const other = createClientToken({
      privateKey: app.org.privateKey,
      orgId: app.org.orgId,
      now: Math.floor(app.clock.now() / 1000),
    });
    expect((await webCall(app, other, { assistantId })).statusCode).toBe(201);
  });
});
