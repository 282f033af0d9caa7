import { createHmac, randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createClientToken } from "@portcullis/node";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { fill, ROOT, sample } from "./lib/doc-samples.ts";
import { runNodeSample, runShellSample, type SampleRun } from "./lib/run-sample.ts";
import { type LocalServer, startLocalServer, tempDir } from "./lib/servers.ts";

/** docs/jwt.md: the token's shape, the four ways to mint one, the CLI, and using it from a page. */

const DOC = "docs/jwt.md";
const APP = "https://app.example.com";
const tmp = tempDir("docs-jwt");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let server: LocalServer;
let assistantId: string;
beforeEach(async () => {
  server = await startLocalServer();
  ({ id: assistantId } = await server.admin<{ id: string }>("POST", "/assistant", { name: "Docs" }));
});
afterEach(() => server.close());

/** The environment the samples read, as a backend sets it. */
const secrets = () => ({
  PORTCULLIS_PRIVATE_KEY: server.privateKey,
  PORTCULLIS_KEY_ID: server.keyId,
  PORTCULLIS_ORG_ID: server.orgId,
});

function runMintingSample(id: string): Promise<SampleRun> {
  const { lang, code } = sample(DOC, id);
  if (lang === "js") return runNodeSample(join(tmp, `${id}.mjs`), code, { env: secrets() });
  if (lang === "sh") return runShellSample(code, secrets());
  return runShellSample(`python3 -c "$SAMPLE"`, { ...secrets(), SAMPLE: code });
}

const decode = (part: string | undefined) => JSON.parse(Buffer.from(part ?? "", "base64url").toString());

describe("docs/jwt.md: minting", () => {
  it.each(["node-sdk", "node-crypto", "python", "shell"])(
    "%s mints a token the server accepts from the allowed origin only",
    { timeout: 60_000 },
    async (id) => {
      const { stdout: token } = await runMintingSample(id);
      expect((await server.webCall(token, "https://evil.example", { assistantId })).body.code).toBe(
        "ORIGIN_NOT_ALLOWED",
      );
      expect((await server.webCall(token, APP, { assistantId })).status).toBe(201);
    },
  );

  it("header: is what the Node SDK writes", () => {
    const token = createClientToken({ privateKey: server.privateKey, keyId: server.keyId, orgId: server.orgId });
    const shown = JSON.parse(fill(sample(DOC, "header").code, { "key_…": server.keyId }));
    expect(decode(token.split(".")[0])).toEqual(shown);
  });

  it("cli: token mint prints a token for the user, from the origin, for the assistant", {
    timeout: 60_000,
  }, async () => {
    const code = fill(sample(DOC, "cli").code, { asst_1: assistantId });
    const { stdout: token } = await runShellSample(code, {
      PATH: `${ROOT}node_modules/.bin:${process.env.PATH}`,
      PORTCULLIS_API_KEY: server.privateKey,
      PORTCULLIS_URL: server.url,
    });
    const payload = decode(token.split(".")[1]);
    expect(payload.exp - payload.iat).toBe(600);
    expect((await server.webCall(token, "https://evil.example", { assistantId })).body.code).toBe("ORIGIN_NOT_ALLOWED");
    expect((await server.webCall(token, APP, { assistantId })).body).toMatchObject({ userId: "u_42" });
  });

  it("using-it: a page starts a call with the token", { timeout: 60_000 }, async () => {
    const token = createClientToken({
      privateKey: server.privateKey,
      keyId: server.keyId,
      orgId: server.orgId,
      restrictions: { allowedOrigins: [APP], allowedAssistantIds: [assistantId] },
    });
    // The page has `token` from its backend; the last line shows what the sample ends with.
    const code = fill(sample(DOC, "using-it").code, { "https://api.example.com": server.url, "asst_…": assistantId });
    const page = `const token = process.env.TOKEN;\n${code}console.log(res.status, JSON.stringify(call));\n`;
    const { stdout } = await runNodeSample(join(tmp, "using-it.mjs"), page, { env: { TOKEN: token }, origin: APP });
    const [status, body] = [stdout.slice(0, 3), JSON.parse(stdout.slice(4))];
    expect(status).toBe("201");
    expect(body).toMatchObject({ status: "queued", assistantId });
    expect(body.webCallUrl).toMatch(/^ws:\/\/localhost:\d+\/call\/call_\w+\/ws\?token=/);
  });
});

describe("docs/jwt.md: the payload", () => {
  let api: LocalServer;
  beforeEach(async () => {
    // The payload names an audience: the server whose public URL that is.
    api = await startLocalServer({ publicUrl: "https://api.example.com" });
  });
  afterEach(() => api.close());

  it("payload: signed as shown, starts one call for user_42 from the allowed origin, then is a replay", async () => {
    const { id } = await api.admin<{ id: string }>("POST", "/assistant", { name: "Docs" });
    const now = Math.floor(Date.now() / 1000);
    const sign = (payloadJson: string) => {
      const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT", kid: api.keyId })).toString("base64url");
      const payload = Buffer.from(JSON.stringify(JSON.parse(payloadJson))).toString("base64url");
      const signature = createHmac("sha256", api.privateKey).update(`${header}.${payload}`).digest("base64url");
      return `${header}.${payload}.${signature}`;
    };
    const shown = (jti: string) =>
      fill(sample(DOC, "payload").code, {
        "org_…": api.orgId,
        "asst_…": id,
        "5b0c…": jti,
        "1795850000": String(now),
        "1795850600": String(now + 600),
      });

    const token = sign(shown(randomUUID()));
    expect((await api.webCall(token, APP, { assistantId: id })).body).toMatchObject({ userId: "user_42" });
    expect((await api.webCall(token, APP, { assistantId: id })).body.code).toBe("TOKEN_REPLAYED");
    const another = sign(shown(randomUUID()));
    expect((await api.webCall(another, "https://evil.example", { assistantId: id })).body.code).toBe(
      "ORIGIN_NOT_ALLOWED",
    );
  });
});
