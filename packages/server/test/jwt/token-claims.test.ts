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
  PUBLIC_URL,
  type TestApp,
  webCall,
} from "../helpers.ts";
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

const tokenClaim = (tag: "public" | "private", restrictions: Json = {}, more: Json = {}) => ({
  token: { tag, restrictions, ...more },
});
const getTokens = (token: string) => t.app.inject({ method: "GET", url: "/token", headers: bearer(token) });

describe("client tokens: the tag decides the routes", () => {
  it("a private-tag token is refused on POST /call/web with PRIVATE_KEY_NOT_ALLOWED_HERE", async () => {
    const res = await webCall(t, hsToken(t, org, tokenClaim("private")), { assistantId });
    expectError(res, "PRIVATE_KEY_NOT_ALLOWED_HERE");
    expect(await callCount(t, org)).toBe(0);
  });

  it("a private-tag token is refused on POST /call/web even from an origin a public rule would refuse", async () => {
    const res = await webCall(t, hsToken(t, org, tokenClaim("private")), { assistantId }, "https://evil.example");
    expectError(res, "PRIVATE_KEY_NOT_ALLOWED_HERE");
  });

  it("a private-tag token works on private routes (GET /token)", async () => {
    const res = await getTokens(hsToken(t, org, tokenClaim("private")));
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as Json[]).map((k) => k.id)).toContain(org.keyId);
  });

  it("a public-tag token is refused on a private route with PRIVATE_KEY_REQUIRED", async () => {
    expectError(await getTokens(hsToken(t, org)), "PRIVATE_KEY_REQUIRED");
    const create = await t.app.inject({
      method: "POST",
      url: "/token",
      headers: bearer(hsToken(t, org)),
      payload: { tag: "private" },
    });
    expectError(create, "PRIVATE_KEY_REQUIRED");
  });

  it("a private-tag token carrying browser rules is refused as invalid restrictions", async () => {
    const token = hsToken(t, org, tokenClaim("private", { allowedOrigins: ["https://app.example.com"] }));
    expectError(await getTokens(token), "TOKEN_RESTRICTIONS_INVALID");
  });

  it("a private-tag token with restrictions.enabled false is refused on private routes", async () => {
    expectError(await getTokens(hsToken(t, org, tokenClaim("private", { enabled: false }))), "KEY_DISABLED");
  });
});

describe("client tokens: the restrictions inside are the ones in force", () => {
  const allowed = { allowedOrigins: ["https://app.example.com"], allowedAssistantIds: [] as string[] };

  it("allows what the token's rules allow and records sub as the call's userId", async () => {
    const token = hsToken(t, org, { ...tokenClaim("public", allowed), sub: "user_42" });
    const res = await webCall(t, token, { assistantId }, "https://app.example.com");
    expect(res.statusCode, res.body).toBe(201);
    expect(body(res).userId).toBe("user_42");
  });

  it.each<[string, Json, Json, string | null, ErrorCode]>([
    [
      "origin not allowed",
      { allowedOrigins: ["https://app.example.com"] },
      {},
      "https://evil.example",
      "ORIGIN_NOT_ALLOWED",
    ],
    ["no origin sent", { allowedOrigins: ["https://app.example.com"] }, {}, null, "ORIGIN_NOT_ALLOWED"],
    [
      "assistant not allowed",
      { allowedAssistantIds: ["asst_other"] },
      {},
      "https://app.example.com",
      "ASSISTANT_NOT_ALLOWED",
    ],
    [
      "transient assistant not allowed (the default)",
      {},
      { assistant: { name: "Inline", firstMessage: "Hi" } },
      "https://app.example.com",
      "TRANSIENT_ASSISTANT_NOT_ALLOWED",
    ],
    [
      "override not allowed",
      {},
      { assistantOverrides: { firstMessage: "Pwned" } },
      "https://app.example.com",
      "OVERRIDE_NOT_ALLOWED",
    ],
  ])("refuses with 403 when the token's rules refuse: %s", async (_, restrictions, request, origin, code) => {
    const token = hsToken(t, org, tokenClaim("public", restrictions));
    const payload = "assistant" in request ? request : { assistantId, ...request };
    const res = await webCall(t, token, payload, origin);
    expect(res.statusCode).toBe(403);
    expectError(res, code);
    expect(await callCount(t, org)).toBe(0);
  });

  it("each token's own rules apply when consecutive tokens carry different ones (no rules kept from the last)", async () => {
    const rules: [Json, string, number][] = [
      [{ allowedOrigins: ["https://a.example.com"] }, "https://a.example.com", 201],
      [{ allowedOrigins: ["https://a.example.com", "https://b.example.com"] }, "https://b.example.com", 201],
      [{ allowedOrigins: ["https://a.example.com"] }, "https://b.example.com", 403],
      [{ allowedOrigins: ["https://b.example.com"] }, "https://a.example.com", 403],
      [
        { allowedOrigins: ["https://b.example.com"], allowedAssistantIds: ["asst_other"] },
        "https://b.example.com",
        403,
      ],
      [{ allowedOrigins: ["https://b.example.com"] }, "https://b.example.com", 201],
      [
        { allowedAssistantIds: ["asst_other"], allowedOrigins: ["https://b.example.com"] },
        "https://b.example.com",
        403,
      ],
    ];
    for (const round of [1, 2])
      for (const [restrictions, origin, status] of rules) {
        const token = hsToken(t, org, { ...tokenClaim("public", restrictions), jti: `${round}-${origin}-${status}` });
        const res = await webCall(t, token, { assistantId }, origin);
        expect(res.statusCode, `${JSON.stringify(restrictions)} from ${origin}: ${res.body}`).toBe(status);
      }
  });

  it("a public token with restrictions.enabled false is refused", async () => {
    const res = await webCall(t, hsToken(t, org, tokenClaim("public", { enabled: false })), { assistantId });
    expectError(res, "KEY_DISABLED");
  });

  it.each<[string, unknown]>([
    ["a wildcard on a public suffix (https://*.vercel.app)", { allowedOrigins: ["https://*.vercel.app"] }],
    ["an origin with a path", { allowedOrigins: ["https://app.example.com/path"] }],
    ["a bare wildcard", { allowedOrigins: ["*"] }],
    ["an unknown restriction field", { allowedEverything: true }],
    ["allowedOrigins as a string", { allowedOrigins: "https://app.example.com" }],
    ["enabled as a string", { enabled: "true" }],
    ["an unknown override field", { allowedOverrides: ["model.apiKey"] }],
    [
      "transient assistants beside an assistant list",
      { allowedAssistantIds: ["asst_1"], allowTransientAssistant: true },
    ],
    ["restrictions as a list", ["https://app.example.com"]],
  ])("an invalid rule inside the token refuses it: %s → TOKEN_RESTRICTIONS_INVALID", async (_, restrictions) => {
    const token = hsToken(t, org, { token: { tag: "public", restrictions } });
    expectError(await webCall(t, token, { assistantId }), "TOKEN_RESTRICTIONS_INVALID");
    expect(await callCount(t, org)).toBe(0);
  });

  it.each<[string, unknown]>([
    ["no token claim", undefined],
    ["token as a string", "public"],
    ["an unknown tag", { tag: "admin" }],
    ["no tag", { restrictions: {} }],
    ["an unknown field in the token claim", { tag: "public", scopes: ["*"] }],
    ["singleUse not a boolean", { tag: "public", singleUse: "yes" }],
  ])("a malformed token claim: %s → TOKEN_MALFORMED", async (_, token) => {
    expectError(await webCall(t, hsToken(t, org, { token }), { assistantId }), "TOKEN_MALFORMED");
  });

  it.each<[string, Json]>([
    ["an empty sub", { sub: "" }],
    ["a numeric sub", { sub: 42 }],
    ["a sub of 257 characters", { sub: "u".repeat(257) }],
    ["a numeric jti", { jti: 1 }],
  ])("bad standard claims: %s → TOKEN_MALFORMED", async (_, claims) => {
    expectError(await webCall(t, hsToken(t, org, claims), { assistantId }), "TOKEN_MALFORMED");
  });
});

describe("client tokens: aud", () => {
  it.each<[string, unknown, ErrorCode | 201]>([
    ["no aud", undefined, 201],
    ["aud equal to the public URL", PUBLIC_URL, 201],
    ["aud a list containing the public URL", ["https://other.example", PUBLIC_URL], 201],
    ["aud another URL", "https://other.example", "TOKEN_AUDIENCE_MISMATCH"],
    ["aud the public URL with a trailing slash", `${PUBLIC_URL}/`, "TOKEN_AUDIENCE_MISMATCH"],
    ["aud a list without the public URL", ["https://other.example"], "TOKEN_AUDIENCE_MISMATCH"],
    ["aud an empty list", [], "TOKEN_AUDIENCE_MISMATCH"],
    ["aud a number", 1, "TOKEN_AUDIENCE_MISMATCH"],
  ])("%s → %s", async (_, aud, expected) => {
    const res = await webCall(t, hsToken(t, org, { aud }), { assistantId });
    if (expected === 201) expect(res.statusCode, res.body).toBe(201);
    else expectError(res, expected);
  });
});
