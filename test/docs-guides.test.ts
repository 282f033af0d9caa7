import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ERROR_CATALOG, OVERRIDE_FIELDS, OVERRIDE_RISKS } from "@portcullis/core";
import { createApp, createCipher, createOrgWithKey, KyselyStore, openSqlite } from "@portcullis/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { fill, ROOT, readSamples, sample } from "./lib/doc-samples.ts";
import { type ServerProcess, startServerProcess } from "./lib/servers.ts";

// Every sample of the two guides, in the order they appear. Kept here, in plain strings, so the
// samples guard (test/docs-samples-guard.test.ts) sees each id next to its doc; a test below checks
// that this list is exactly the docs' samples, and each id is run by a test further down.
const SAMPLES = {
  "docs/origins.md": [
    "refused-rule",
    "one-key",
    "one-key-cli",
    "production",
    "development",
    "check-allow",
    "check-deny",
    "check-http",
    "report-only-on",
    "report-only-check",
    "report-only-check-http",
    "report-only-audit",
    "report-only-off",
    "refusal-headers",
    "browser-sdk",
  ],
  "docs/assistants.md": [
    "transient-refused",
    "assistant-list",
    "transient-with-list",
    "duration-override",
    "support-widget",
    "support-widget-cli",
    "support-widget-start",
    "support-widget-refused",
    "playground",
    "playground-cli",
    "playground-start",
  ],
};

/**
 * The guides to the first two defences, docs/origins.md and docs/assistants.md, run: JSON samples
 * are saved as keys in-process and their behaviour asserted; curl and CLI samples run in bash
 * against a real server process, and their shown output is compared with what they print (`…`
 * stands for anything). The tables of rules, refusals and codes are read from the docs and checked
 * against the server too, so a doc that lies fails here.
 */

const ORIGINS = "docs/origins.md";
const ASSISTANTS = "docs/assistants.md";
const CLI = join(ROOT, "packages/cli/bin/portcullis.js");
const TMP = join(ROOT, ".tmp", `docs-guides-${process.pid}`);
const MASTER_KEY = randomBytes(32).toString("hex");
const SUPPORT_MESSAGE = "Hi {{name}}, how can I help?";

type Json = Record<string, unknown>;
type Answer = { status: number; headers: Headers; body: Json };

// ---------- reading the docs ----------

/** The `output` block right after the sample `id`: what the doc says the sample prints. */
function outputOf(doc: string, id: string): string {
  const samples = readSamples(doc);
  const at = samples.findIndex((s) => s.id === id);
  const next = samples[at + 1];
  if (at < 0 || next?.attributes.output === undefined) throw new Error(`${doc}: no output block after test="${id}"`);
  return next.code;
}

/** A sample's JSON, with the documented placeholder `asst_…` filled in. */
function jsonSample(doc: string, id: string, assistantId: string): Json {
  const code = sample(doc, id).code;
  return JSON.parse(code.includes('"asst_…"') ? fill(code, { '"asst_…"': JSON.stringify(assistantId) }) : code);
}

/** The rows of the first table after a heading, as cells. */
function tableAfter(doc: string, heading: string): string[][] {
  const lines = readFileSync(join(ROOT, doc), "utf8").split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`${doc} has no heading ${heading}`);
  const first = lines.findIndex((line, i) => i > start && line.startsWith("|"));
  const rows: string[][] = [];
  for (let i = first + 2; lines[i]?.startsWith("|"); i++)
    rows.push(
      (lines[i] as string)
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  return rows;
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);

const normalize = (text: string): string =>
  text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trimEnd())
    .join("\n")
    .trim();

/** The output a sample run against the test server should print: the doc's, on this server's port. */
function shown(doc: string, id: string): string {
  return outputOf(doc, id).replaceAll("localhost:8787", `localhost:${server.port}`);
}

/** Asserts `actual` is the documented output, where `…` stands for any text (line breaks included). */
function expectOutput(actual: string, documented: string): void {
  const expected = normalize(documented);
  const pattern = expected
    .split("…")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*?");
  const got = normalize(actual);
  if (!new RegExp(`^${pattern}$`).test(got)) expect(got).toBe(expected);
}

// ---------- in-process: JSON samples and tables ----------

type InProcess = Awaited<ReturnType<typeof inProcess>>;

async function inProcess() {
  const store = new KyselyStore(await openSqlite(":memory:"));
  const cipher = createCipher(randomBytes(32));
  const app = await createApp({
    store,
    cipher,
    config: { publicUrl: "http://localhost:8787", keyCacheSize: 1000, keyCacheTtlSeconds: 30 },
  });
  const { privateKey } = await createOrgWithKey(store, cipher, { name: "Docs", at: new Date().toISOString() });
  const other = await createOrgWithKey(store, cipher, { name: "Other", at: new Date().toISOString() });
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const assistant = async (key = privateKey) =>
    (
      await app.inject({
        method: "POST",
        url: "/assistant",
        headers: auth(key),
        payload: { name: "Support", firstMessage: SUPPORT_MESSAGE, model: { provider: "script" } },
      })
    ).json().id as string;
  return {
    app,
    privateKey,
    assistant,
    otherOrgAssistant: () => assistant(other.privateKey),
    createKey: (restrictions: unknown) =>
      app.inject({
        method: "POST",
        url: "/token",
        headers: auth(privateKey),
        payload: { tag: "public", restrictions },
      }),
    startCall: (key: string, origin: string | undefined, payload: Json) =>
      app.inject({
        method: "POST",
        url: "/call/web",
        headers: { ...auth(key), ...(origin !== undefined && { origin }) },
        payload,
      }),
    async close() {
      await app.close();
      await store.close();
    },
  };
}

// ---------- a real server, and samples run in bash ----------

type RealServer = { running: ServerProcess; port: number; url: string; privateKey: string; assistantId: string };

const childEnv = (extra: Record<string, string>) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^PORTCULLIS_|^PORT$/.test(name))),
  NO_COLOR: "1",
  PORTCULLIS_MASTER_KEY: MASTER_KEY,
  ...extra,
});

async function startServer(dataDir: string): Promise<RealServer> {
  const running = await startServerProcess(dataDir, {
    HOST: "127.0.0.1",
    PORTCULLIS_PUBLIC_URL: "http://localhost:{port}",
    PORTCULLIS_MASTER_KEY: MASTER_KEY,
    LOG_LEVEL: "silent",
  });
  const { port } = running;
  const url = `http://localhost:${port}`;
  const init = spawnSync(process.execPath, [CLI, "init", "--data", dataDir, "--name", "Acme", "--json"], {
    env: childEnv({}),
    encoding: "utf8",
  });
  if (init.status !== 0) throw new Error(`portcullis init failed: ${init.stderr}`);
  const { privateKey } = JSON.parse(init.stdout) as { privateKey: string };
  const server = { running, port, url, privateKey, assistantId: "" };
  // The README walk-through's assistant: its first message greets {{name}}.
  const assistant = await request(server, "POST", "/assistant", {
    name: "Support",
    firstMessage: SUPPORT_MESSAGE,
    model: { provider: "script", rules: [{ match: ["price", "cost"], reply: "Plans start at 5 euros." }] },
  });
  server.assistantId = assistant.body.id as string;
  return server;
}

async function request(
  server: { url: string; privateKey: string },
  method: string,
  path: string,
  payload?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${server.privateKey}` },
): Promise<Answer> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...headers, ...(payload !== undefined && { "content-type": "application/json" }) },
    ...(payload !== undefined && { body: JSON.stringify(payload) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : {} };
}

/**
 * Runs a shell sample as a reader would paste it: `$PK`, `$ASST`, `$PUB`, `$KEY` set, the CLI on
 * the PATH as `portcullis` and pointed at this server, `localhost:8787` replaced by its port.
 */
function runShell(server: RealServer, code: string, vars: Record<string, string> = {}) {
  const script = `portcullis() { node ${JSON.stringify(CLI)} "$@"; }\n${code.replaceAll("localhost:8787", `localhost:${server.port}`)}`;
  const run = spawnSync("bash", ["-c", script], {
    cwd: TMP,
    encoding: "utf8",
    timeout: 60_000,
    env: childEnv({
      PK: server.privateKey,
      ASST: server.assistantId,
      PORTCULLIS_API_KEY: server.privateKey,
      PORTCULLIS_URL: server.url,
      ...vars,
    }),
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The ID and value `portcullis keys create` printed. */
function createdKey(stdout: string): { id: string; value: string } {
  const id = /^(key_\w+)/m.exec(stdout)?.[1];
  const value = /^\s+value\s+(pcpk_\w+)/m.exec(stdout)?.[1];
  if (!id || !value) throw new Error(`no key in: ${stdout}`);
  return { id, value };
}

/** Starts a call on the real server from `origin`; returns its webCallUrl. */
async function startCall(server: RealServer, publicKey: string, origin: string, payload: Json): Promise<string> {
  const answer = await request(server, "POST", "/call/web", payload, { authorization: `Bearer ${publicKey}`, origin });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.webCallUrl as string;
}

type Join = { status: number; code?: string; socket?: WebSocket; firstMessage?: string };

/** Joins a webCallUrl from `origin`: the refusal's status and code, or the open socket and the assistant's first words. */
function joinCall(url: string, origin: string): Promise<Join> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { origin });
    socket.once("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(text) as Json).code as string }));
    });
    socket.once("error", reject);
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Json;
      if (frame.type === "transcript" && frame.role === "assistant" && frame.transcriptType === "final")
        resolve({ status: 101, socket, firstMessage: frame.transcript as string });
    });
  });
}

let server: RealServer;

beforeAll(async () => {
  mkdirSync(TMP, { recursive: true });
  server = await startServer(join(TMP, "data"));
}, 60_000);

afterAll(async () => {
  await server?.running.close();
  rmSync(TMP, { recursive: true, force: true });
});

// ====================================================================================
describe("docs/origins.md", () => {
  let local: InProcess;
  beforeAll(async () => {
    local = await inProcess();
  });
  afterAll(async () => {
    await local.close();
  });

  it("the table of rules: each rule is accepted and matches exactly what the table says", async () => {
    const rows = tableAfter(ORIGINS, "## Writing rules");
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const assistantId = await local.assistant();
    for (const [ruleCell = "", matchCell = "", missCell = ""] of rows) {
      const [rule] = codeSpans(ruleCell);
      const created = await local.createKey({ allowedOrigins: [rule] });
      expect(created.statusCode, `${rule}: ${created.body}`).toBe(201);
      const key = created.json().value as string;
      for (const origin of codeSpans(matchCell))
        expect((await local.startCall(key, origin, { assistantId })).statusCode, `${rule} should match ${origin}`).toBe(
          201,
        );
      for (const origin of codeSpans(missCell)) {
        const refused = await local.startCall(key, origin, { assistantId });
        expect(refused.json().code, `${rule} should not match ${origin}`).toBe("ORIGIN_NOT_ALLOWED");
      }
    }
  });

  it("stores rules in canonical form, merges duplicates, holds at most 100", async () => {
    const saved = await local.createKey({
      allowedOrigins: ["HTTPS://App.Example.com:443/", "https://app.example.com", "https://bücher.example"],
    });
    expect(saved.json().restrictions.allowedOrigins).toEqual([
      "https://app.example.com",
      "https://xn--bcher-kva.example",
    ]);
    const many = Array.from({ length: 101 }, (_, i) => `https://a${i}.example.com`);
    expect((await local.createKey({ allowedOrigins: many })).statusCode).toBe(400);
    expect((await local.createKey({ allowedOrigins: many.slice(0, 100) })).statusCode).toBe(201);
  });

  it("a request with no Origin, Origin: null or two Origin headers matches no rule", async () => {
    const assistantId = await local.assistant();
    const key = (await local.createKey({ allowedOrigins: ["https://app.example.com"] })).json().value as string;
    expect((await local.startCall(key, undefined, { assistantId })).json().code).toBe("ORIGIN_NOT_ALLOWED");
    expect((await local.startCall(key, "null", { assistantId })).json().code).toBe("ORIGIN_NOT_ALLOWED");
    const pub = await request(server, "POST", "/token", {
      tag: "public",
      restrictions: { allowedOrigins: ["https://app.example.com"] },
    });
    const twice = spawnSync(
      "curl",
      [
        "-s",
        "-X",
        "POST",
        `${server.url}/call/web`,
        ...["-H", `Authorization: Bearer ${pub.body.value}`, "-H", "Content-Type: application/json"],
        ...["-H", "Origin: https://app.example.com", "-H", "Origin: https://app.example.com"],
        "-d",
        JSON.stringify({ assistantId: server.assistantId }),
      ],
      { encoding: "utf8" },
    );
    expect(JSON.parse(twice.stdout).code).toBe("ORIGIN_NOT_ALLOWED");
  });

  it("the table of refused rules: each is refused with INVALID_ORIGIN_RULE when saved", async () => {
    const rules = tableAfter(ORIGINS, "## What is refused, and why").flatMap(([cell = ""]) => codeSpans(cell));
    expect(rules.length).toBeGreaterThanOrEqual(12);
    for (const rule of rules) {
      const refused = await local.createKey({ allowedOrigins: [rule] });
      expect(refused.statusCode, rule).toBe(400);
      expect(refused.json(), rule).toMatchObject({
        code: "INVALID_ORIGIN_RULE",
        field: "restrictions.allowedOrigins[0]",
      });
    }
  });

  it("refused-rule: curl shows the refusal and its reason", () => {
    const run = runShell(server, sample(ORIGINS, "refused-rule").code);
    expectOutput(run.stdout, shown(ORIGINS, "refused-rule"));
  });

  it("one-key, production, development: the recipes' keys behave as described", async () => {
    const assistantId = await local.assistant();
    const decide = async (restrictions: Json, origin: string) => {
      const created = await local.createKey(restrictions);
      expect(created.statusCode, created.body).toBe(201);
      const answer = await local.startCall(created.json().value, origin, { assistantId });
      return answer.statusCode === 201 ? "allow" : answer.json().code;
    };
    const oneKey = jsonSample(ORIGINS, "one-key", assistantId);
    const production = jsonSample(ORIGINS, "production", assistantId);
    const development = jsonSample(ORIGINS, "development", assistantId);
    const expected: [string, string, string, string][] = [
      // origin, one key, production, development
      ["https://app.example.com", "allow", "allow", "ORIGIN_NOT_ALLOWED"],
      ["https://pr-42.preview.example.com", "allow", "ORIGIN_NOT_ALLOWED", "allow"],
      ["http://localhost:3000", "allow", "ORIGIN_NOT_ALLOWED", "allow"],
      ["https://evil.example", "ORIGIN_NOT_ALLOWED", "ORIGIN_NOT_ALLOWED", "ORIGIN_NOT_ALLOWED"],
    ];
    for (const [origin, one, prod, dev] of expected) {
      expect(await decide(oneKey, origin), origin).toBe(one);
      expect(await decide(production, origin), origin).toBe(prod);
      expect(await decide(development, origin), origin).toBe(dev);
    }
    const dev = (await local.createKey(development)).json();
    expect(dev.restrictions.spendLimit).toEqual({ minutes: 30, period: "day" });
  });

  describe("against a running server", { timeout: 90_000 }, () => {
    let key: { id: string; value: string };

    it("one-key-cli: the CLI line makes the one-key JSON's key", async () => {
      const run = runShell(server, sample(ORIGINS, "one-key-cli").code);
      expect(run.status, run.stderr).toBe(0);
      key = createdKey(run.stdout);
      const fromCli = await request(server, "GET", `/token/${key.id}`);
      const fromJson = await request(server, "POST", "/token", {
        tag: "public",
        restrictions: jsonSample(ORIGINS, "one-key", server.assistantId),
      });
      expect(fromCli.body.restrictions).toEqual(fromJson.body.restrictions);
    });

    it("check-allow, check-deny, check-http: the decision and the rule, nothing written", async () => {
      const vars = { KEY: key.id };
      const allow = runShell(server, sample(ORIGINS, "check-allow").code, vars);
      expect(allow.status).toBe(0);
      expectOutput(allow.stdout, shown(ORIGINS, "check-allow"));
      const deny = runShell(server, sample(ORIGINS, "check-deny").code, vars);
      expect(deny.status).toBe(1);
      expectOutput(deny.stdout, shown(ORIGINS, "check-deny"));
      const http = runShell(server, sample(ORIGINS, "check-http").code, vars);
      expectOutput(http.stdout, shown(ORIGINS, "check-http"));
      const stats = await request(server, "GET", `/token/${key.id}/stats?window=1h`);
      expect(stats.body.totals).toEqual({ allowed: 0, refused: 0, wouldRefuse: 0 });
    });

    it("refusal-headers: 403 ORIGIN_NOT_ALLOWED, readable by the refused page (CORS headers reflect its origin)", () => {
      const run = runShell(server, sample(ORIGINS, "refusal-headers").code, { PUB: key.value });
      expectOutput(run.stdout, shown(ORIGINS, "refusal-headers"));
      expect(run.stdout).not.toContain("app.example.com");
    });

    it("an allowed answer carries the same CORS headers; server routes carry none", async () => {
      const allowed = await request(
        server,
        "POST",
        "/call/web",
        { assistantId: server.assistantId },
        { authorization: `Bearer ${key.value}`, origin: "https://app.example.com" },
      );
      expect(allowed.status).toBe(201);
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
      expect(allowed.headers.get("vary")).toBe("Origin");
      const privateRoute = await request(server, "GET", "/assistant", undefined, {
        authorization: `Bearer ${server.privateKey}`,
        origin: "https://app.example.com",
      });
      expect(privateRoute.status).toBe(200);
      expect(privateRoute.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("browser-sdk: the SDK in a page on another origin gets a PortcullisError with the code", () => {
      // A browser has a WebSocket and adds the page's Origin to every request; in Node, ws and a
      // wrapped fetch stand in for it.
      const page = join(TMP, "page.mjs");
      const code = fill(sample(ORIGINS, "browser-sdk").code, {
        '"@portcullis/web"': JSON.stringify(join(ROOT, "packages/web/src/index.ts")),
        "pcpk_…": key.value,
        "asst_…": server.assistantId,
        "localhost:8787": `localhost:${server.port}`,
      });
      writeFileSync(page, code);
      const browser = join(TMP, "browser.mjs");
      writeFileSync(
        browser,
        [
          'import { WebSocket } from "ws";',
          "globalThis.WebSocket = WebSocket;",
          "const realFetch = globalThis.fetch;",
          "globalThis.fetch = (input, init = {}) => {",
          "  const headers = new Headers(init.headers);",
          "  headers.set('origin', process.env.PAGE_ORIGIN);",
          "  return realFetch(input, { ...init, headers });",
          "};",
          "await import(process.argv[2]);",
        ].join("\n"),
      );
      const run = spawnSync(process.execPath, ["--import", "tsx", browser, page], {
        cwd: ROOT,
        encoding: "utf8",
        env: childEnv({ PAGE_ORIGIN: "https://evil.example" }),
        timeout: 30_000,
      });
      expect(run.stderr).toBe("");
      expectOutput(run.stdout, shown(ORIGINS, "browser-sdk"));
    });

    it("the WebSocket join is held to the key's origin rules, before the call token is spent", async () => {
      const url = await startCall(server, key.value, "https://app.example.com", { assistantId: server.assistantId });
      expect(await joinCall(url, "https://evil.example")).toMatchObject({ status: 403, code: "ORIGIN_NOT_ALLOWED" });
      const joined = await joinCall(url, "https://app.example.com");
      expect(joined.status).toBe(101);
      joined.socket?.close();
    });

    it("report-only-on, report-only-check(-http), report-only-audit, report-only-off: a rule is tried, checked, watched, then enforced", async () => {
      const live = await request(server, "POST", "/token", {
        tag: "public",
        name: "Live widget",
        restrictions: { allowedAssistantIds: [server.assistantId] },
      });
      const vars = { KEY: live.body.id as string };
      const fromOldDomain = () =>
        request(
          server,
          "POST",
          "/call/web",
          { assistantId: server.assistantId },
          { authorization: `Bearer ${live.body.value}`, origin: "https://old.example.com" },
        );

      const on = runShell(server, sample(ORIGINS, "report-only-on").code, vars);
      expect(on.status, on.stderr).toBe(0);
      const trial = (await request(server, "GET", `/token/${vars.KEY}`)).body.restrictions as Json;
      expect(trial).toMatchObject({
        mode: "report-only",
        allowedOrigins: ["https://app.example.com", "https://*.preview.example.com"],
        allowedAssistantIds: [server.assistantId],
      });
      const passed = await fromOldDomain();
      expect(passed.status).toBe(201);
      // In report-only mode the join is not held to the rule either.
      const joined = await joinCall(passed.body.webCallUrl as string, "https://old.example.com");
      expect(joined.status).toBe(101);
      joined.socket?.close();
      // check answers ALLOW, as the request got, and names what enforcing the key would refuse.
      const check = runShell(server, sample(ORIGINS, "report-only-check").code, vars);
      expect(check.status, check.stderr).toBe(0);
      expectOutput(check.stdout, shown(ORIGINS, "report-only-check"));
      const checkHttp = runShell(server, sample(ORIGINS, "report-only-check-http").code, vars);
      expectOutput(checkHttp.stdout, shown(ORIGINS, "report-only-check-http"));
      // Once the rules pass, the answer says so, still in report-only mode.
      const passing = runShell(
        server,
        "portcullis check --key $KEY --origin https://app.example.com --assistant $ASST --json",
        vars,
      );
      expect(JSON.parse(passing.stdout)).toMatchObject({ decision: "allow", mode: "report-only" });
      expect(JSON.parse(passing.stdout)).not.toHaveProperty("wouldDeny");

      // Refusals are flushed every few seconds: poll, as a reader would.
      let audit = runShell(server, sample(ORIGINS, "report-only-audit").code, vars);
      for (let i = 0; i < 20 && !audit.stdout.includes("call.would-deny"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        audit = runShell(server, sample(ORIGINS, "report-only-audit").code, vars);
      }
      expectOutput(audit.stdout, shown(ORIGINS, "report-only-audit"));
      const stats = runShell(server, "portcullis keys stats $KEY --window 24h", vars);
      expect(stats.stdout).toMatch(/WOULD REFUSE/);
      expect(stats.stdout).toMatch(/https:\/\/old\.example\.com/);

      const off = runShell(server, sample(ORIGINS, "report-only-off").code, vars);
      expect(off.status, off.stderr).toBe(0);
      const enforced = (await request(server, "GET", `/token/${vars.KEY}`)).body.restrictions as Json;
      expect(enforced).toMatchObject({ mode: "enforce", allowedOrigins: trial.allowedOrigins });
      expect((await fromOldDomain()).body.code).toBe("ORIGIN_NOT_ALLOWED");
    });
  });

  it("report-only still enforces limits", async () => {
    const assistantId = await local.assistant();
    const key = await local.createKey({
      mode: "report-only",
      allowedOrigins: ["https://app.example.com"],
      rateLimits: [{ requests: 1, windowSeconds: 60, per: "key" }],
    });
    expect((await local.startCall(key.json().value, "https://evil.example", { assistantId })).statusCode).toBe(201);
    const second = await local.startCall(key.json().value, "https://evil.example", { assistantId });
    expect(second.json().code).toBe("RATE_LIMITED");
  });
});

// ====================================================================================
describe("docs/assistants.md", () => {
  let local: InProcess;
  beforeAll(async () => {
    local = await inProcess();
  });
  afterAll(async () => {
    await local.close();
  });

  it("assistant-list: only listed assistants; a deleted or foreign one is not found", async () => {
    const listed = await local.assistant();
    const unlisted = await local.assistant();
    const origin = "https://www.example.com";
    const key = (await local.createKey(jsonSample(ASSISTANTS, "assistant-list", listed))).json().value as string;
    expect((await local.startCall(key, origin, { assistantId: listed })).statusCode).toBe(201);
    expect((await local.startCall(key, origin, { assistantId: unlisted })).json().code).toBe("ASSISTANT_NOT_ALLOWED");
    const foreign = await local.otherOrgAssistant();
    expect((await local.startCall(key, origin, { assistantId: foreign })).json().code).toBe("ASSISTANT_NOT_ALLOWED");

    const anyAssistant = (await local.createKey({ allowedOrigins: [origin] })).json().value as string;
    expect((await local.startCall(anyAssistant, origin, { assistantId: unlisted })).statusCode).toBe(201);
    const fromOtherOrg = await local.startCall(anyAssistant, origin, { assistantId: foreign });
    const neverIssued = await local.startCall(anyAssistant, origin, { assistantId: "asst_0000000000000000" });
    expect(fromOtherOrg.statusCode).toBe(404);
    expect(fromOtherOrg.json().code).toBe("ASSISTANT_NOT_FOUND");
    expect(neverIssued.json().code).toBe("ASSISTANT_NOT_FOUND");
    expect(fromOtherOrg.json().message).toBe(neverIssued.json().message);

    await local.app.inject({
      method: "DELETE",
      url: `/assistant/${listed}`,
      headers: { authorization: `Bearer ${local.privateKey}` },
    });
    const deleted = await local.startCall(key, origin, { assistantId: listed });
    expect(deleted.statusCode).toBe(404);
    expect(deleted.json().code).toBe("ASSISTANT_NOT_FOUND");
  });

  it("allowTransientAssistant defaults to false; allowedOverrides to variableValues; [] allows none", async () => {
    const assistantId = await local.assistant();
    const origin = "https://www.example.com";
    const created = await local.createKey({ allowedOrigins: [origin] });
    expect(created.json().restrictions).toMatchObject({
      allowTransientAssistant: false,
      allowedOverrides: ["variableValues"],
    });
    const key = created.json().value as string;
    expect((await local.startCall(key, origin, { assistant: { firstMessage: "Hi" } })).json().code).toBe(
      "TRANSIENT_ASSISTANT_NOT_ALLOWED",
    );
    const none = (await local.createKey({ allowedOrigins: [origin], allowedOverrides: [] })).json().value as string;
    const withValues = { assistantId, assistantOverrides: { variableValues: { name: "Ada" } } };
    expect((await local.startCall(key, origin, withValues)).statusCode).toBe(201);
    expect((await local.startCall(none, origin, withValues)).json().code).toBe("OVERRIDE_NOT_ALLOWED");
    // A field is allowed whole: with `model` allowed, any model object goes.
    const model = (await local.createKey({ allowedOrigins: [origin], allowedOverrides: ["model"] })).json().value;
    const ownPrompt = {
      assistantId,
      assistantOverrides: {
        model: { provider: "script", messages: [{ role: "system", content: "Say anything." }], temperature: 2 },
      },
    };
    expect((await local.startCall(model, origin, ownPrompt)).statusCode).toBe(201);
  });

  it("the overrides table lists every override field, with the risk the product gives it", () => {
    const rows = tableAfter(ASSISTANTS, "## `allowedOverrides`: what a caller may change, field by field");
    const fields = rows.map(([field = ""]) => codeSpans(field)[0]);
    expect([...fields].sort()).toEqual([...OVERRIDE_FIELDS].sort());
    for (const [field = "", , risk = ""] of rows) {
      const name = codeSpans(field)[0] as keyof typeof OVERRIDE_RISKS;
      expect(risk.split(":")[0], name).toBe(OVERRIDE_RISKS[name].split(":")[0]);
    }
  });

  it("the refusal table: each request gets the status, code and field shown, checked in the documented order", async () => {
    const assistantId = await local.assistant();
    const unlisted = await local.assistant();
    const origin = "https://www.example.com";
    const key = (await local.createKey({ allowedOrigins: [origin], allowedAssistantIds: [assistantId] })).json()
      .value as string;
    const open = (await local.createKey({ allowedOrigins: [origin] })).json().value as string;
    const scenarios: Record<string, () => ReturnType<InProcess["startCall"]>> = {
      ASSISTANT_NOT_ALLOWED: () => local.startCall(key, origin, { assistantId: unlisted }),
      ASSISTANT_NOT_FOUND: () => local.startCall(open, origin, { assistantId: "asst_0000000000000000" }),
      TRANSIENT_ASSISTANT_NOT_ALLOWED: () => local.startCall(key, origin, { assistant: { firstMessage: "Hi" } }),
      OVERRIDE_NOT_ALLOWED: () =>
        local.startCall(key, origin, { assistantId, assistantOverrides: { firstMessage: "Hi" } }),
      UNKNOWN_FIELD: () => local.startCall(key, origin, { assistantId, assistantOverrides: { prompt: "Hi" } }),
      VALIDATION_FAILED: () => local.startCall(key, origin, {}),
    };
    const rows = tableAfter(ASSISTANTS, "## What a refused caller gets");
    expect(rows.map(([, , code = ""]) => codeSpans(code)[0]).sort()).toEqual(Object.keys(scenarios).sort());
    for (const [, status = "", codeCell = "", fieldCell = ""] of rows) {
      const code = codeSpans(codeCell)[0] as keyof typeof ERROR_CATALOG;
      const answer = await (scenarios[code] as () => ReturnType<InProcess["startCall"]>)();
      expect(answer.statusCode, code).toBe(Number(status));
      expect(answer.json().code).toBe(code);
      const field = codeSpans(fieldCell)[0];
      if (field === undefined) expect(answer.json().field, code).toBeUndefined();
      else
        expect(answer.json().field, code).toMatch(
          new RegExp(`^${field.replace(/[.]/g, "\\.").replace("<field>", "\\w+")}$`),
        );
    }
    const both = await local.startCall(key, origin, { assistantId, assistant: { firstMessage: "Hi" } });
    expect(both.json()).toMatchObject({ code: "VALIDATION_FAILED", field: "assistantId" });
    // The first failing rule answers: origin before transient, assistant before overrides.
    expect(
      (await local.startCall(key, "https://evil.example", { assistant: { firstMessage: "Hi" } })).json().code,
    ).toBe("ORIGIN_NOT_ALLOWED");
    expect(
      (await local.startCall(key, origin, { assistantId: unlisted, assistantOverrides: { firstMessage: "Hi" } })).json()
        .code,
    ).toBe("ASSISTANT_NOT_ALLOWED");
  });

  describe("against a running server", { timeout: 90_000 }, () => {
    let widget: { id: string; value: string };

    it("support-widget-cli: the CLI line makes the support-widget JSON's key", async () => {
      const run = runShell(server, sample(ASSISTANTS, "support-widget-cli").code);
      expect(run.status, run.stderr).toBe(0);
      widget = createdKey(run.stdout);
      const fromCli = await request(server, "GET", `/token/${widget.id}`);
      const fromJson = await request(server, "POST", "/token", {
        tag: "public",
        restrictions: jsonSample(ASSISTANTS, "support-widget", server.assistantId),
      });
      expect(fromJson.status).toBe(201);
      expect(fromCli.body.restrictions).toEqual(fromJson.body.restrictions);
    });

    it("transient-refused: an inline assistant is refused by default", () => {
      const run = runShell(server, sample(ASSISTANTS, "transient-refused").code, { PUB: widget.value });
      expectOutput(run.stdout, shown(ASSISTANTS, "transient-refused"));
    });

    it("transient-with-list: allowTransientAssistant beside allowedAssistantIds is refused", () => {
      const run = runShell(server, sample(ASSISTANTS, "transient-with-list").code);
      expectOutput(run.stdout, shown(ASSISTANTS, "transient-with-list"));
    });

    it("support-widget-start: variableValues fill the greeting", async () => {
      const run = runShell(server, sample(ASSISTANTS, "support-widget-start").code, { PUB: widget.value });
      expectOutput(run.stdout, shown(ASSISTANTS, "support-widget-start"));
      const joined = await joinCall(JSON.parse(run.stdout).webCallUrl, "https://www.example.com");
      expect(joined.firstMessage).toBe("Hi Ada, how can I help?");
      joined.socket?.close();
    });

    it("support-widget-refused: another override is refused, naming the field", () => {
      const run = runShell(server, sample(ASSISTANTS, "support-widget-refused").code, { PUB: widget.value });
      expectOutput(run.stdout, shown(ASSISTANTS, "support-widget-refused"));
    });

    it("portcullis check takes --override and --transient", () => {
      const vars = { KEY: widget.id };
      const override = runShell(
        server,
        "portcullis check --key $KEY --origin https://www.example.com --assistant $ASST --override firstMessage=Hi",
        vars,
      );
      expect(override.stdout).toMatch(
        /^DENY OVERRIDE_NOT_ALLOWED\s+decided by the overrides rule \(field firstMessage\)/,
      );
      const transient = runShell(
        server,
        `echo '{"firstMessage":"Hi"}' | portcullis check --key $KEY --origin https://www.example.com --transient -`,
        vars,
      );
      expect(transient.stdout).toMatch(/^DENY TRANSIENT_ASSISTANT_NOT_ALLOWED/);
    });

    it("duration-override: maxDurationSeconds only shortens a call", async () => {
      const key = await request(server, "POST", "/token", {
        tag: "public",
        restrictions: {
          allowedOrigins: ["https://www.example.com"],
          allowedAssistantIds: [server.assistantId],
          allowedOverrides: ["variableValues", "maxDurationSeconds"],
        },
      });
      const run = runShell(server, sample(ASSISTANTS, "duration-override").code, { PUB: key.body.value as string });
      expectOutput(run.stdout, shown(ASSISTANTS, "duration-override"));
      const shorter = await request(
        server,
        "POST",
        "/call/web",
        { assistantId: server.assistantId, assistantOverrides: { maxDurationSeconds: 120 } },
        { authorization: `Bearer ${key.body.value}`, origin: "https://www.example.com" },
      );
      expect(shorter.body.maxDurationSeconds).toBe(120);
    });

    it("playground-cli, playground-start: transient assistants on a tightly limited key", async () => {
      const run = runShell(server, sample(ASSISTANTS, "playground-cli").code);
      expect(run.status, run.stderr).toBe(0);
      const playground = createdKey(run.stdout);
      const fromCli = await request(server, "GET", `/token/${playground.id}`);
      const fromJson = await request(server, "POST", "/token", {
        tag: "public",
        restrictions: jsonSample(ASSISTANTS, "playground", server.assistantId),
      });
      expect(fromJson.status).toBe(201);
      expect(fromCli.body.restrictions).toEqual(fromJson.body.restrictions);

      const start = runShell(server, sample(ASSISTANTS, "playground-start").code, { PUB: playground.value });
      expectOutput(start.stdout, shown(ASSISTANTS, "playground-start"));
      // With no assistant list, the key may also start the org's saved assistants; no overrides.
      const from = { authorization: `Bearer ${playground.value}`, origin: "https://playground.example.com" };
      const saved = await request(server, "POST", "/call/web", { assistantId: server.assistantId }, from);
      expect(saved.status).toBe(201);
      const overridden = await request(
        server,
        "POST",
        "/call/web",
        { assistantId: server.assistantId, assistantOverrides: { variableValues: { name: "Ada" } } },
        from,
      );
      expect(overridden.body.code).toBe("OVERRIDE_NOT_ALLOWED");
    });
  });
});

describe("the guides' samples", () => {
  it.each(Object.entries(SAMPLES))("%s: every sample is one this file runs", (doc, ids) => {
    expect(readSamples(doc).flatMap((s) => (s.id === undefined ? [] : [s.id]))).toEqual(ids);
  });
});

describe("links between the guides", () => {
  const slug = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N} -]/gu, "")
      .replace(/ /g, "-");
  it.each([ORIGINS, ASSISTANTS, "docs/security-model.md"])("%s links to files and headings that exist", (doc) => {
    const text = readFileSync(join(ROOT, doc), "utf8");
    const links = [...text.matchAll(/\]\(([\w-]+\.md)(?:#([\w-]+))?\)/g)];
    expect(links.length).toBeGreaterThan(3);
    for (const [, file = "", anchor] of links) {
      const target = readFileSync(join(ROOT, "docs", file), "utf8");
      if (anchor === undefined) continue;
      const headings = [...target.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1] as string));
      expect(headings, `${doc} → ${file}#${anchor}`).toContain(anchor);
    }
  });

  it("the security model links to each defence's guide", () => {
    const text = readFileSync(join(ROOT, "docs/security-model.md"), "utf8");
    for (const guide of ["origins.md", "assistants.md", "jwt.md", "limits.md", "restrictions.md"])
      expect(text).toContain(`](${guide})`);
  });
});
