import type { ErrorCode } from "@portcullis/core";
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
import { buildJwtApp, hsToken, nowSeconds } from "./jwt-helpers.ts";

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

/** Time claims relative to the test clock, in seconds; `undefined` leaves the claim out. */
type Times = { iat?: number; nbf?: number; exp?: number };
const at = (times: Times): Json => {
  const now = nowSeconds(t);
  return {
    iat: times.iat === undefined ? undefined : now + times.iat,
    nbf: times.nbf === undefined ? undefined : now + times.nbf,
    exp: times.exp === undefined ? undefined : now + times.exp,
  };
};
const start = (token: string) => webCall(t, token, { assistantId });

describe("client tokens: time claims (exp required, 30 s leeway for nbf/iat)", () => {
  it.each<[string, Times, ErrorCode | 201]>([
    ["exp now", { iat: -60, exp: 0 }, "TOKEN_EXPIRED"],
    ["exp a second ago", { iat: -60, exp: -1 }, "TOKEN_EXPIRED"],
    ["exp a day ago", { iat: -86_460, exp: -86_400 }, "TOKEN_EXPIRED"],
    ["exp in a second", { iat: 0, exp: 1 }, 201],
    ["no exp", { iat: 0 }, "TOKEN_MALFORMED"],
    ["no exp and no iat", {}, "TOKEN_MALFORMED"],
    ["nbf 31 s ahead", { iat: 0, nbf: 31, exp: 600 }, "TOKEN_NOT_YET_VALID"],
    ["nbf an hour ahead", { iat: 0, nbf: 3600, exp: 3600 }, "TOKEN_NOT_YET_VALID"],
    ["nbf 30 s ahead (within the leeway)", { iat: 0, nbf: 30, exp: 600 }, 201],
    ["nbf in the past", { iat: -10, nbf: -10, exp: 600 }, 201],
    ["iat 31 s ahead", { iat: 31, exp: 600 }, "TOKEN_NOT_YET_VALID"],
    ["iat 30 s ahead (within the leeway)", { iat: 30, exp: 600 }, 201],
    ["lifetime 3600 s (the default cap)", { iat: 0, exp: 3600 }, 201],
    ["lifetime 3601 s", { iat: 0, exp: 3601 }, "TOKEN_LIFETIME_TOO_LONG"],
    ["lifetime a year", { iat: 0, exp: 365 * 86_400 }, "TOKEN_LIFETIME_TOO_LONG"],
    ["no iat, exp 3600 s ahead", { exp: 3600 }, 201],
    ["no iat, exp 3601 s ahead", { exp: 3601 }, "TOKEN_LIFETIME_TOO_LONG"],
    ["iat backdated so that exp - iat is over the cap", { iat: -3000, exp: 601 }, "TOKEN_LIFETIME_TOO_LONG"],
  ])("%s → %s", async (_, times, expected) => {
    const res = await start(hsToken(t, org, at(times)));
    if (expected === 201) expect(res.statusCode, res.body).toBe(201);
    else expectError(res, expected);
  });

  it.each<[string, Json]>([
    ["exp as a string", { exp: "9999999999" }],
    ["exp negative", { exp: -1 }],
    ["exp null", { exp: null }],
    ["iat as a string", { iat: "now" }],
    ["nbf as an object", { nbf: {} }],
  ])("%s → TOKEN_MALFORMED", async (_, bad) => {
    expectError(await start(hsToken(t, org, bad)), "TOKEN_MALFORMED");
  });

  it("a token that was valid stops at its exp as the clock passes it", async () => {
    const token = hsToken(t, org, at({ iat: 0, exp: 60 }));
    expect((await start(token)).statusCode).toBe(201);
    t.clock.advance(59_000);
    expect((await start(token)).statusCode).toBe(201);
    t.clock.advance(1_000);
    expectError(await start(token), "TOKEN_EXPIRED");
  });

  it("a token not yet valid becomes valid once the clock reaches its nbf (minus the leeway)", async () => {
    const token = hsToken(t, org, at({ iat: 0, nbf: 120, exp: 600 }));
    expectError(await start(token), "TOKEN_NOT_YET_VALID");
    t.clock.advance(90_000);
    expect((await start(token)).statusCode).toBe(201);
  });
});

describe("client tokens: the org's maxTokenTtlSeconds", () => {
  const patchOrg = (payload: Json) =>
    t.app.inject({ method: "PATCH", url: "/org", headers: bearer(org.privateKey), payload });

  it("defaults to 3600; after PATCH /org maxTokenTtlSeconds=600 a 601 s token is refused at once", async () => {
    const org0 = await t.app.inject({ method: "GET", url: "/org", headers: bearer(org.privateKey) });
    expect(body(org0).maxTokenTtlSeconds).toBe(3600);
    const long = hsToken(t, org, at({ iat: 0, exp: 601 }));
    expect((await start(long)).statusCode).toBe(201);

    const res = await patchOrg({ maxTokenTtlSeconds: 600 });
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res).maxTokenTtlSeconds).toBe(600);
    expectError(await start(long), "TOKEN_LIFETIME_TOO_LONG");
    expectError(await start(hsToken(t, org, at({ exp: 601 }))), "TOKEN_LIFETIME_TOO_LONG");
    expect((await start(hsToken(t, org, at({ iat: 0, exp: 600 })))).statusCode).toBe(201);
  });

  it("can be raised up to 86400, not beyond", async () => {
    expect((await patchOrg({ maxTokenTtlSeconds: 86_400 })).statusCode).toBe(200);
    expect((await start(hsToken(t, org, at({ iat: 0, exp: 86_400 })))).statusCode).toBe(201);
    expectError(await start(hsToken(t, org, at({ iat: 0, exp: 86_401 }))), "TOKEN_LIFETIME_TOO_LONG");
    expectError(await patchOrg({ maxTokenTtlSeconds: 86_401 }), "VALIDATION_FAILED");
    expectError(await patchOrg({ maxTokenTtlSeconds: 0 }), "VALIDATION_FAILED");
    expectError(await patchOrg({ maxTokenTtlSeconds: "600" }), "VALIDATION_FAILED");
  });

  it("is per org: another org's setting does not apply", async () => {
    const other = await createOrg(t, "Other");
    await t.app.inject({
      method: "PATCH",
      url: "/org",
      headers: bearer(other.privateKey),
      payload: { maxTokenTtlSeconds: 60 },
    });
    expect((await start(hsToken(t, org, at({ iat: 0, exp: 3600 })))).statusCode).toBe(201);
  });
});
