import { type ErrorCode, isErrorCode } from "@portcullis/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAssistant, createOrg, expectError, type Json, type Org, type TestApp, webCall } from "../helpers.ts";
import {
  b64url,
  buildJwtApp,
  callCount,
  claims,
  type Fixture,
  hsToken,
  jws,
  type KeyPair,
  keyPair,
  registerJwk,
  segment,
  signInput,
  startServer,
} from "./jwt-helpers.ts";

/** Org A with an HS key, a registered ES256 and RS256 key and an assistant; org B beside it. */
type World = { t: TestApp; a: Org; b: Org; assistantId: string };

// Key material is generated once per file (RSA is slow); every test still gets a fresh app and orgs.
const es = keyPair("ES256");
const rs = keyPair("RS256");
const attacker = keyPair("ES256");
const attackerRsa = keyPair("RS256");
let jku: Fixture;

let w: World;
beforeAll(async () => {
  // Would serve the attacker's key to anyone who asked; no request may ever reach it.
  jku = await startServer({ keys: [{ ...attacker.publicJwk, kid: "es-1", alg: "ES256", use: "sig" }] });
});
afterAll(async () => {
  await jku.close();
});
beforeEach(async () => {
  const t = await buildJwtApp();
  const a = await createOrg(t, "Org A");
  const b = await createOrg(t, "Org B");
  await registerJwk(t, a, es, "es-1");
  await registerJwk(t, a, rs, "rs-1");
  const assistantId = (await createAssistant(t, a.privateKey)).id;
  w = { t, a, b, assistantId };
});
afterEach(async () => {
  expect(jku.requests).toBe(0);
  await w.t.close();
});

/** Loads both orgs' keys into the verifier with a good token each (org A starts one call). */
async function warmUp(): Promise<void> {
  expect((await webCall(w.t, hsToken(w.t, w.a), { assistantId: w.assistantId })).statusCode).toBe(201);
  const other = await webCall(w.t, hsToken(w.t, w.b), { assistantId: w.assistantId });
  expectError(other, "ASSISTANT_NOT_FOUND");
  expect(await callCount(w.t, w.a)).toBe(1);
}

const parts = (token: string) => token.split(".") as [string, string, string];
const decode = (part: string): Json => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Json;
const asym = (pair: KeyPair, header: Json, payload: unknown) =>
  jws({ alg: pair.alg, typ: "JWT", ...header }, payload, pair.alg, pair.privateKey);
const esToken = (extra: Json = {}, header: Json = { kid: "es-1" }) => asym(es, header, claims(w.t, w.a, extra));

/** Flips the lowest bit of a segment's last character: the same bytes, a non-canonical spelling. */
function alterTrailingBits(part: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  expect(part.length % 4).not.toBe(0);
  const last = alphabet.indexOf(part.at(-1) as string);
  return part.slice(0, -1) + alphabet[last ^ 1];
}

/** A JSON object text whose base64url leaves unused bits in its last character. */
function withUnusedBits(build: (pad: string) => Json): Json {
  for (let pad = ""; ; pad += "x") if (segment(build(pad)).length % 4 !== 0) return build(pad);
}

/** A token whose text holds '-' or '_', so the standard alphabet's '+' or '/' can replace them. */
function tokenWithUrlChars(): string {
  for (let i = 0; ; i++) {
    const token = hsToken(w.t, w.a, { n: i });
    if (/[-_]/.test(token)) return token;
  }
}

type Case = { name: string; code: ErrorCode; make: () => string };

const algNone: Case[] = ["none", "None", "NONE", "nOnE"].flatMap((alg) => [
  {
    name: `alg '${alg}' with an empty signature`,
    code: "TOKEN_MALFORMED",
    make: () => `${segment({ alg, typ: "JWT" })}.${segment(claims(w.t, w.a))}.`,
  },
  {
    name: `alg '${alg}' with a signature`,
    code: "TOKEN_ALG_NOT_ALLOWED",
    make: () => {
      const input = `${segment({ alg, typ: "JWT", kid: w.a.keyId })}.${segment(claims(w.t, w.a))}`;
      return `${input}.${signInput(input, "HS256", w.a.privateKey)}`;
    },
  },
]);

const keyConfusion: Case[] = [
  ...(
    [
      ["ES256", es, "es-1"],
      ["RS256", rs, "rs-1"],
    ] as const
  ).flatMap(([alg, pair, kid]): Case[] => [
    {
      name: `HS256 signed with the registered ${alg} key's PEM as HMAC secret, kid of that key`,
      code: "TOKEN_ALG_NOT_ALLOWED",
      make: () => jws({ alg: "HS256", kid }, claims(w.t, w.a), "HS256", pair.pem),
    },
    {
      name: `HS256 signed with the registered ${alg} key's JWK JSON as HMAC secret, kid of that key`,
      code: "TOKEN_ALG_NOT_ALLOWED",
      make: () => jws({ alg: "HS256", kid }, claims(w.t, w.a), "HS256", JSON.stringify({ ...pair.publicJwk, kid })),
    },
    {
      name: `HS256 signed with the registered ${alg} key's PEM, no kid (tried against HS keys only)`,
      code: "TOKEN_SIGNATURE_INVALID",
      make: () => jws({ alg: "HS256" }, claims(w.t, w.a), "HS256", pair.pem),
    },
  ]),
  {
    name: "RS256 token naming the ES256 key",
    code: "TOKEN_ALG_NOT_ALLOWED",
    make: () => asym(attackerRsa, { kid: "es-1" }, claims(w.t, w.a)),
  },
  {
    name: "ES256 token naming the RS256 key",
    code: "TOKEN_ALG_NOT_ALLOWED",
    make: () => asym(attacker, { kid: "rs-1" }, claims(w.t, w.a)),
  },
  {
    name: "ES256 token naming the org's HS private key",
    code: "TOKEN_ALG_NOT_ALLOWED",
    make: () => asym(attacker, { kid: w.a.keyId }, claims(w.t, w.a)),
  },
  {
    name: "an unknown alg (HS512) signed with the private key",
    code: "TOKEN_ALG_NOT_ALLOWED",
    make: () => {
      const [h, p] = parts(hsToken(w.t, w.a));
      const header = segment({ ...decode(h), alg: "HS512" });
      return `${header}.${p}.${b64url(Buffer.alloc(64, 1))}`;
    },
  },
];

const signatures: Case[] = [
  {
    name: "tampered payload (restrictions widened), original signature",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => {
      const [h, p, s] = parts(hsToken(w.t, w.a, { token: { tag: "public", restrictions: { enabled: true } } }));
      return `${h}.${segment({ ...decode(p), sub: "admin" })}.${s}`;
    },
  },
  {
    name: "tampered header (kid swapped), original signature",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => {
      const [h, p, s] = parts(hsToken(w.t, w.a, {}, {}));
      return `${segment({ ...decode(h), kid: w.a.keyId })}.${p}.${s}`;
    },
  },
  {
    name: "ES256 token with a tampered payload",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => {
      const [h, p, s] = parts(esToken());
      return `${h}.${segment({ ...decode(p), exp: (decode(p).exp as number) + 1 })}.${s}`;
    },
  },
  {
    name: "stripped signature (trailing dot)",
    code: "TOKEN_MALFORMED",
    make: () => parts(hsToken(w.t, w.a)).slice(0, 2).join(".").concat("."),
  },
  {
    name: "stripped signature (two parts)",
    code: "TOKEN_MALFORMED",
    make: () => parts(hsToken(w.t, w.a)).slice(0, 2).join("."),
  },
  {
    name: "HS256 signature of 32 zero bytes",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => `${parts(hsToken(w.t, w.a)).slice(0, 2).join(".")}.${b64url(Buffer.alloc(32))}`,
  },
  {
    name: "RS256 signature of 256 zero bytes",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () =>
      `${parts(asym(rs, { kid: "rs-1" }, claims(w.t, w.a)))
        .slice(0, 2)
        .join(".")}.${b64url(Buffer.alloc(256))}`,
  },
  {
    name: "ES256 signature r = 0, s = 0 (CVE-2022-21449, 64 zero bytes)",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => `${parts(esToken()).slice(0, 2).join(".")}.${b64url(Buffer.alloc(64))}`,
  },
  {
    name: "ES256 signature with r = 0 and a real s",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => {
      const [h, p, s] = parts(esToken());
      const sig = Buffer.from(s, "base64url");
      sig.fill(0, 0, 32);
      return `${h}.${p}.${b64url(sig)}`;
    },
  },
  {
    name: "ES256 signature with a real r and s = 0",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => {
      const [h, p, s] = parts(esToken());
      const sig = Buffer.from(s, "base64url");
      sig.fill(0, 32);
      return `${h}.${p}.${b64url(sig)}`;
    },
  },
  {
    // Not 64 bytes, so not an ES256 signature at all: refused as malformed, not as a wrong signature.
    name: "ES256 signature of 63 bytes",
    code: "TOKEN_MALFORMED",
    make: () => `${parts(esToken()).slice(0, 2).join(".")}.${b64url(Buffer.alloc(63, 1))}`,
  },
  {
    name: "ES256 signature in DER instead of the JWS encoding",
    code: "TOKEN_MALFORMED",
    make: () => {
      const [h, p] = parts(esToken());
      const der = signInput(`${h}.${p}`, "RS256", es.privateKey); // sha256 + DER, not IEEE P1363
      return `${h}.${p}.${der}`;
    },
  },
];

const kids: Case[] = [
  ["path traversal", "../../etc/passwd"],
  ["SQL", "' OR 1=1 --"],
  ["SQL on the keys table", `${"key_x"}' UNION SELECT encrypted_value FROM api_keys --`],
  ["a 200-character kid", "k".repeat(200)],
  ["a 4000-character kid", "k".repeat(4000)],
  ["an unknown kid", "key_doesnotexist"],
  ["an unknown signing-key kid", "es-2"],
  ["a NUL byte", "es-1\u0000"],
  ["a number", 1],
  ["an object", { $ne: null }],
  ["an empty kid", ""],
].map(
  ([label, kid]): Case => ({
    name: `kid: ${label as string}`,
    code: "TOKEN_KEY_UNKNOWN",
    make: () => jws({ alg: "HS256", kid }, claims(w.t, w.a), "HS256", w.a.privateKey),
  }),
);
kids.push({
  name: "ES256 token from the registered key without kid",
  code: "TOKEN_KEY_UNKNOWN",
  make: () => esToken({}, {}),
});

const keyHeaders: Case[] = [
  {
    name: "jku to the attacker's JWKS, attacker's kid",
    code: "TOKEN_KEY_UNKNOWN",
    make: () => asym(attacker, { kid: "attacker-1", jku: jku.url }, claims(w.t, w.a)),
  },
  {
    name: "jku to the attacker's JWKS, the registered kid",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => asym(attacker, { kid: "es-1", jku: jku.url }, claims(w.t, w.a)),
  },
  {
    name: "x5u to the attacker's server, the registered kid",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => asym(attacker, { kid: "es-1", x5u: jku.url }, claims(w.t, w.a)),
  },
  {
    name: "embedded jwk of the attacker's key, the registered kid",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => asym(attacker, { kid: "es-1", jwk: attacker.publicJwk }, claims(w.t, w.a)),
  },
  {
    name: "embedded jwk of the attacker's key, no kid",
    code: "TOKEN_KEY_UNKNOWN",
    make: () => asym(attacker, { jwk: attacker.publicJwk }, claims(w.t, w.a)),
  },
  {
    name: "embedded symmetric jwk (kty oct) with the attacker's HMAC secret",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => {
      const k = b64url(Buffer.alloc(32, 7));
      return jws(
        { alg: "HS256", kid: w.a.keyId, jwk: { kty: "oct", k } },
        claims(w.t, w.a),
        "HS256",
        Buffer.alloc(32, 7),
      );
    },
  },
  {
    name: "jku and x5u on an HS256 token signed with the attacker's secret",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () =>
      jws({ alg: "HS256", jku: jku.url, x5u: jku.url }, claims(w.t, w.a), "HS256", "attacker-secret-32-bytes-long!!!"),
  },
];

const encoding: Case[] = [
  {
    name: "unknown crit",
    code: "TOKEN_MALFORMED",
    make: () =>
      hsToken(w.t, w.a, {}, { kid: w.a.keyId, crit: ["http://evil.example/ext"], "http://evil.example/ext": 1 }),
  },
  {
    name: "crit naming a registered claim",
    code: "TOKEN_MALFORMED",
    make: () => hsToken(w.t, w.a, {}, { kid: w.a.keyId, crit: ["exp"] }),
  },
  { name: "empty crit", code: "TOKEN_MALFORMED", make: () => hsToken(w.t, w.a, {}, { kid: w.a.keyId, crit: [] }) },
  {
    name: "duplicate alg in the header",
    code: "TOKEN_MALFORMED",
    make: () => jws(`{"alg":"none","kid":"${w.a.keyId}","alg":"HS256"}`, claims(w.t, w.a), "HS256", w.a.privateKey),
  },
  {
    name: "duplicate kid in the header",
    code: "TOKEN_MALFORMED",
    make: () => jws(`{"alg":"HS256","kid":"es-1","kid":"${w.a.keyId}"}`, claims(w.t, w.a), "HS256", w.a.privateKey),
  },
  {
    name: "duplicate key spelled with an escape in the header",
    code: "TOKEN_MALFORMED",
    make: () =>
      jws(`{"alg":"HS256","\\u0061lg":"HS256","kid":"${w.a.keyId}"}`, claims(w.t, w.a), "HS256", w.a.privateKey),
  },
  {
    name: "duplicate orgId in the payload",
    code: "TOKEN_MALFORMED",
    make: () => {
      const json = JSON.stringify(claims(w.t, w.a)).replace("{", `{"orgId":"${w.b.orgId}",`);
      return jws({ alg: "HS256", kid: w.a.keyId }, json, "HS256", w.a.privateKey);
    },
  },
  {
    name: "duplicate tag inside the token claim",
    code: "TOKEN_MALFORMED",
    make: () => {
      const json = JSON.stringify(claims(w.t, w.a)).replace('"tag":"public"', '"tag":"private","tag":"public"');
      return jws({ alg: "HS256", kid: w.a.keyId }, json, "HS256", w.a.privateKey);
    },
  },
  {
    name: "duplicate exp in the payload",
    code: "TOKEN_MALFORMED",
    make: () => {
      const json = JSON.stringify(claims(w.t, w.a)).replace("{", `{"exp":9999999999,`);
      return jws({ alg: "HS256", kid: w.a.keyId }, json, "HS256", w.a.privateKey);
    },
  },
  {
    name: "a header that is not a JSON object",
    code: "TOKEN_MALFORMED",
    make: () => jws('["HS256"]', claims(w.t, w.a), "HS256", w.a.privateKey),
  },
  {
    name: "a payload that is not JSON",
    code: "TOKEN_MALFORMED",
    make: () => jws({ alg: "HS256", kid: w.a.keyId }, "{orgId:1", "HS256", w.a.privateKey),
  },
  {
    name: "padding '=' on the header",
    code: "TOKEN_MALFORMED",
    make: () => {
      const header = withUnusedBits((pad) => ({ alg: "HS256", kid: w.a.keyId, pad }));
      const [h, p, s] = parts(jws(header, claims(w.t, w.a), "HS256", w.a.privateKey));
      return `${h}${"=".repeat(4 - (h.length % 4))}.${p}.${s}`;
    },
  },
  {
    name: "padding '=' on the signature",
    code: "TOKEN_MALFORMED",
    make: () => `${hsToken(w.t, w.a)}=`,
  },
  {
    name: "standard base64 alphabet ('+' and '/')",
    code: "TOKEN_MALFORMED",
    make: () => tokenWithUrlChars().replaceAll("-", "+").replaceAll("_", "/"),
  },
  {
    name: "altered trailing bits in the header",
    code: "TOKEN_MALFORMED",
    make: () => {
      const header = withUnusedBits((pad) => ({ alg: "HS256", kid: w.a.keyId, pad }));
      const [h, p] = parts(jws(header, claims(w.t, w.a), "HS256", w.a.privateKey));
      // Re-signed over the altered text, so only the spelling is wrong.
      const input = `${alterTrailingBits(h)}.${p}`;
      return `${input}.${signInput(input, "HS256", w.a.privateKey)}`;
    },
  },
  {
    name: "altered trailing bits in the payload",
    code: "TOKEN_MALFORMED",
    make: () => {
      const payload = withUnusedBits((pad) => claims(w.t, w.a, { pad }));
      const [h, p] = parts(jws({ alg: "HS256", kid: w.a.keyId }, payload, "HS256", w.a.privateKey));
      const input = `${h}.${alterTrailingBits(p)}`;
      return `${input}.${signInput(input, "HS256", w.a.privateKey)}`;
    },
  },
  {
    name: "altered trailing bits in the HS256 signature",
    code: "TOKEN_MALFORMED",
    make: () => {
      const [h, p, s] = parts(hsToken(w.t, w.a));
      return `${h}.${p}.${alterTrailingBits(s)}`;
    },
  },
  {
    name: "altered trailing bits in the ES256 signature",
    code: "TOKEN_MALFORMED",
    make: () => {
      const [h, p, s] = parts(esToken());
      return `${h}.${p}.${alterTrailingBits(s)}`;
    },
  },
  {
    name: "a token of 8 KB and one character, validly signed",
    code: "TOKEN_MALFORMED",
    make: () => {
      const base = hsToken(w.t, w.a, { pad: "" }).length;
      // Each 3 bytes of JSON is 4 base64url characters.
      const pad = "p".repeat(Math.ceil(((8193 - base) * 3) / 4));
      const token = hsToken(w.t, w.a, { pad });
      expect(token.length).toBeGreaterThan(8192);
      expect(token.length).toBeLessThan(8200);
      return token;
    },
  },
  {
    name: "a 1 MB token",
    code: "TOKEN_MALFORMED",
    make: () => hsToken(w.t, w.a, { pad: "p".repeat(768 * 1024) }),
  },
];

const orgs: Case[] = [
  {
    name: "orgId of another org, this org's key and kid",
    code: "TOKEN_KEY_UNKNOWN",
    make: () => hsToken(w.t, w.a, { orgId: w.b.orgId }),
  },
  {
    name: "orgId of another org, this org's key, no kid",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => hsToken(w.t, w.a, { orgId: w.b.orgId }, {}),
  },
  {
    name: "orgId of another org, this org's signing key and kid",
    code: "TOKEN_KEY_UNKNOWN",
    make: () => esToken({ orgId: w.b.orgId }),
  },
  {
    name: "signed with another org's private key, claiming this org, kid of this org's key",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => jws({ alg: "HS256", kid: w.a.keyId }, claims(w.t, w.a), "HS256", w.b.privateKey),
  },
  {
    name: "signed with another org's private key, claiming this org, that org's kid",
    code: "TOKEN_KEY_UNKNOWN",
    make: () => jws({ alg: "HS256", kid: w.b.keyId }, claims(w.t, w.a), "HS256", w.b.privateKey),
  },
  {
    name: "signed with another org's private key, claiming this org, no kid",
    code: "TOKEN_SIGNATURE_INVALID",
    make: () => jws({ alg: "HS256" }, claims(w.t, w.a), "HS256", w.b.privateKey),
  },
  {
    name: "a nonexistent orgId",
    code: "TOKEN_MISSING_ORG",
    make: () => hsToken(w.t, w.a, { orgId: "org_doesnotexist00000" }),
  },
  {
    name: "no orgId",
    code: "TOKEN_MISSING_ORG",
    make: () => hsToken(w.t, w.a, { orgId: undefined }),
  },
  {
    name: "orgId that is not an org ID (SQL)",
    code: "TOKEN_MISSING_ORG",
    make: () => hsToken(w.t, w.a, { orgId: "org_x' OR '1'='1" }),
  },
  {
    name: "orgId that is a list",
    code: "TOKEN_MISSING_ORG",
    make: () => hsToken(w.t, w.a, { orgId: [w.a.orgId] }),
  },
];

describe("JWT attack suite: every forged or malformed token is refused with its own code", () => {
  it("the baseline tokens the attacks start from are accepted (HS256 with and without kid, ES256, RS256)", async () => {
    const tokens = [
      hsToken(w.t, w.a),
      hsToken(w.t, w.a, {}, {}),
      esToken(),
      asym(rs, { kid: "rs-1" }, claims(w.t, w.a)),
    ];
    for (const token of tokens) {
      const res = await webCall(w.t, token, { assistantId: w.assistantId });
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  it.each([...algNone, ...keyConfusion, ...signatures, ...kids, ...keyHeaders, ...encoding, ...orgs])(
    "$name → $code",
    async ({ code, make }) => {
      expect(isErrorCode(code)).toBe(true);
      const res = await webCall(w.t, make(), { assistantId: w.assistantId });
      expectError(res, code);
      expect(await callCount(w.t, w.a)).toBe(0);
    },
  );

  // Once an org's keys are loaded, a token whose kid names one of them takes a shorter path (one
  // parse, by the signature library). The same attacks, against both orgs loaded, must be refused
  // with the same codes.
  it.each([...algNone, ...keyConfusion, ...signatures, ...kids, ...keyHeaders, ...encoding, ...orgs])(
    "with both orgs' keys loaded: $name → $code",
    async ({ code, make }) => {
      await warmUp();
      const res = await webCall(w.t, make(), { assistantId: w.assistantId });
      expectError(res, code);
      expect(await callCount(w.t, w.a)).toBe(1);
    },
  );

  it.each([
    ["a space inside the token", (token: string) => token.replace(".", " .")],
    ["a tab inside the token", (token: string) => token.replace(".", "\t.")],
    ["two tokens separated by a space", (token: string) => `${token} ${token}`],
  ])("whitespace: %s → INVALID_KEY (refused by the credential reader before any parsing)", async (_, mangle) => {
    const res = await webCall(w.t, mangle(hsToken(w.t, w.a)), { assistantId: w.assistantId });
    expectError(res, "INVALID_KEY");
    expect(await callCount(w.t, w.a)).toBe(0);
  });

  it.each([
    ["key-shaped", `pcpk_${"a".repeat(1024 * 1024)}.x`],
    ["without a dot", "a".repeat(1024 * 1024)],
    ["without the Bearer scheme", `Basic ${"a".repeat(1024 * 1024)}.x`],
  ])("a 1 MB credential that is no token (%s) → INVALID_KEY", async (_, value) => {
    const res = await w.t.app.inject({
      method: "POST",
      url: "/call/web",
      headers: { authorization: value.startsWith("Basic") ? value : `Bearer ${value}` },
      payload: { assistantId: w.assistantId },
    });
    expectError(res, "INVALID_KEY");
  });
});
