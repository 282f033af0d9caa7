import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PortcullisAdmin } from "../src/index.ts";
import { type LiveServer, startServer, startWebCall } from "./live-server.ts";

const root = resolve(import.meta.dirname, "../../..");
const readme = readFileSync(resolve(import.meta.dirname, "../README.md"), "utf8");
const samples = new Map(
  [...readme.matchAll(/```js test="([\w-]+)"\n([\s\S]*?)```/g)].map((m) => [m[1] as string, m[2] as string]),
);
const tmp = join(root, ".tmp", "node-readme");
mkdirSync(tmp, { recursive: true });

let server: LiveServer;
let admin: PortcullisAdmin;
let assistantId: string;

beforeEach(async () => {
  server = await startServer();
  admin = new PortcullisAdmin({ apiKey: server.privateKey, baseUrl: server.baseUrl });
  assistantId = (await admin.assistants.create({ name: "Support" })).id;
});
afterEach(() => server.close());

/**
 * Runs a README sample as a backend would (Node with tsx, from the repository root) and returns what
 * it prints. Asynchronously: the server answering it lives in this process.
 */
async function run(name: string): Promise<string> {
  const code = samples.get(name);
  if (code === undefined) throw new Error(`README.md has no sample named ${name}`);
  const file = join(tmp, `${name}.mjs`);
  writeFileSync(file, code);
  const env = {
    ...process.env,
    PORTCULLIS_URL: server.baseUrl,
    PORTCULLIS_PRIVATE_KEY: server.privateKey,
    PORTCULLIS_KEY_ID: server.keyId,
    PORTCULLIS_ORG_ID: server.orgId,
    ASSISTANT_ID: assistantId,
  };
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", file], {
    cwd: root,
    env,
    timeout: 30_000,
  });
  return stdout.trim();
}

const startFrom = async (token: string, origin: string) =>
  (await startWebCall(server, token, { assistantId }, origin)).status;

describe("packages/node/README.md samples", () => {
  it("has every sample this test runs", () => {
    expect([...samples.keys()]).toEqual(["mint", "asymmetric", "admin", "pages", "errors"]);
  });

  it("mint: the token starts a call from the allowed origin, once", async () => {
    const token = await run("mint");
    expect(await startFrom(token, "https://evil.example")).toBe(403);
    expect(await startFrom(token, "https://app.example.com")).toBe(201);
    expect(await startFrom(token, "https://app.example.com")).toBe(401);
  });

  it("asymmetric: the token signed with the registered key starts a call", async () => {
    const token = await run("asymmetric");
    expect(await startFrom(token, "https://app.example.com")).toBe(201);
    expect(await startFrom(token, "https://evil.example")).toBe(403);
  });

  it("admin: prints what the README says", async () => {
    expect(await run("admin")).toBe("pcpk_ deny ORIGIN_NOT_ALLOWED");
  });

  it("pages: prints what the README says", async () => {
    expect(await run("pages")).toBe("2 true 3");
  });

  it("errors: prints what the README says", async () => {
    expect(await run("errors")).toBe("400 INVALID_ORIGIN_RULE restrictions.allowedOrigins[0] true");
  });
});
