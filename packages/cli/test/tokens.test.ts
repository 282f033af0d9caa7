import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initOrg, json, type Org, remote, runCli, startServer, type TestServer, tempDir } from "./harness.ts";

type Minted = { token: string; expiresAt: string; payload: Record<string, unknown> };
type SigningKey = { id: string; kind: string; kid: string | null; alg: string | null; jwk: Record<string, unknown> };

const APP = "https://app.example.com";

let server: TestServer;
let org: Org;
let cli: ReturnType<typeof remote>;
let assistantId: string;

beforeAll(async () => {
  server = await startServer();
  org = await initOrg(server);
  cli = remote(server, org.privateKey);
  assistantId = json<{ id: string }>(await cli(["assistants", "create", "--name", "Support", "--json"])).id;
});
afterAll(async () => {
  await server?.close();
});

/** POST /call/web with a token, as a browser on `origin` would. */
async function startCall(token: string, origin: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${server.url}/call/web`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", origin },
    body: JSON.stringify({ assistantId }),
  });
  const body = (await response.json()) as { code?: string };
  return { status: response.status, code: body.code };
}

describe("token mint", () => {
  it("prints only a token that starts a call from its origin and is refused from another", async () => {
    const result = await cli(["token", "mint", "--assistant", assistantId, "--origin", APP, "--ttl", "5m"]);
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    // Nothing but the token on stdout, so `$(portcullis token mint …)` captures it whole.
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(await startCall(token, APP)).toMatchObject({ status: 201 });
    expect(await startCall(token, "https://evil.example.com")).toEqual({ status: 403, code: "ORIGIN_NOT_ALLOWED" });
  });

  it("--json shows the claims: user, single use, audience, lifetime and limits inside", async () => {
    const minted = json<Minted>(
      await cli([
        "token",
        "mint",
        "--assistant",
        assistantId,
        "--user",
        "user_42",
        "--ttl",
        "90",
        "--single-use",
        "--audience",
        "https://api.example.com",
        "--rate-limit",
        "3/min:user",
        "--max-call-duration",
        "5m",
        "--kid",
        org.keyId,
        "--json",
      ]),
    );
    const { payload } = minted;
    expect(payload).toMatchObject({
      orgId: org.org.id,
      sub: "user_42",
      aud: "https://api.example.com",
      token: {
        tag: "public",
        singleUse: true,
        restrictions: {
          allowedAssistantIds: [assistantId],
          rateLimits: [{ requests: 3, windowSeconds: 60, per: "user" }],
          maxCallDurationSeconds: 300,
        },
      },
    });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(90);
    expect(typeof payload.jti).toBe("string");
    expect(minted.expiresAt).toBe(new Date(Number(payload.exp) * 1000).toISOString());
    const header = JSON.parse(Buffer.from(minted.token.split(".")[0] ?? "", "base64url").toString()) as object;
    expect(header).toEqual({ alg: "HS256", typ: "JWT", kid: org.keyId });
  });

  it("--kid names the signing key: the right one verifies, another is unknown", async () => {
    const [right, wrong] = await Promise.all([
      cli(["token", "mint", "--kid", org.keyId, "--origin", APP]),
      cli(["token", "mint", "--kid", "key_doesnotexist", "--origin", APP]),
    ]);
    expect(await startCall(right.stdout.trim(), APP)).toMatchObject({ status: 201 });
    expect(await startCall(wrong.stdout.trim(), APP)).toEqual({ status: 401, code: "TOKEN_KEY_UNKNOWN" });
  });

  it("with --org, mints offline: no server needed", async () => {
    const result = await runCli(["token", "mint", "--org", org.org.id, "--origin", APP], {
      PORTCULLIS_URL: "http://127.0.0.1:9",
      PORTCULLIS_API_KEY: org.privateKey,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(await startCall(result.stdout.trim(), APP)).toMatchObject({ status: 201 });
  });

  it.each<[string, string[], RegExp]>([
    [
      "a private token with browser rules",
      ["--private", "--origin", APP],
      /allowedOrigins applies to public keys only/,
    ],
    ["a lifetime over the org's cap", ["--ttl", "2h"], /longer than this org allows \(1h\)/],
    ["a transient assistant beside an assistant list", ["--assistant", "asst_1", "--allow-transient"], /must be false/],
  ])("refuses %s before signing, exit 2", async (_, args, message) => {
    const result = await cli(["token", "mint", ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  });

  it("needs a private key to sign with", async () => {
    const result = await runCli(["token", "mint", "--org", org.org.id], { PORTCULLIS_API_KEY: "pcpk_notprivate" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("private key (pcsk_…)");
  });
});

describe("signing-keys", () => {
  it("add registers only the public half of a private JWK; list and delete", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const file = join(tempDir("jwk"), "backend.jwk.json");
    writeFileSync(file, JSON.stringify({ ...privateKey.export({ format: "jwk" }), kid: "backend-1" }));

    const added = await cli(["signing-keys", "add", "--jwk", file, "--name", "Backend", "--json"]);
    const key = json<SigningKey>(added);
    expect(key).toMatchObject({ kind: "jwk", kid: "backend-1", alg: "ES256" });
    expect(key.jwk).not.toHaveProperty("d");
    expect(added.stderr).toContain("registering its public half only");

    const listed = await cli(["signing-keys", "list"]);
    expect(listed.stdout).toMatch(new RegExp(`^${key.id}\\s+jwk\\s+backend-1\\s+ES256\\s+Backend`, "m"));

    const deleted = await cli(["signing-keys", "delete", key.id]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`Deleted ${key.id}`);
    expect(json<SigningKey[]>(await cli(["signing-keys", "list", "--json"]))).toEqual([]);
  });

  it("a JWKS URL that cannot be fetched is refused with JWKS_FETCH_FAILED", async () => {
    const result = await cli(["signing-keys", "add", "--jwks-url", "http://127.0.0.1:9/jwks.json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error JWKS_FETCH_FAILED:/);
  });
});
