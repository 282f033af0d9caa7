import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, sample } from "./lib/doc-samples.ts";
import { joinCall, refusedJoin } from "./lib/live-call.ts";
import { type ServerProcess, startServerProcess, tempDir } from "./lib/servers.ts";
import { type ShellResult, type ShellSession, shellSession } from "./lib/shell-session.ts";

/**
 * The README's walk-through with curl and its CLI block, run in order in one shell, as a reader pastes
 * them into a second terminal, against the real server process (`main.ts`, as `npm start` runs it) on a
 * fresh data directory. Only `localhost:8787` becomes the test's port, and each line like
 * `export PK=pcsk_...  # the private key it printed` gets the value the commands above it printed.
 */

const README = "README.md";
const PLACEHOLDER = /^export (\w+)=([a-z]+_)\.\.\. +# .+$/;

let dataDir: string;
let server: ServerProcess;
let shell: ShellSession;

beforeAll(async () => {
  dataDir = tempDir("docs-readme");
  server = await startServerProcess(dataDir);
  shell = shellSession({
    PATH: `${ROOT}node_modules/.bin:${process.env.PATH}`,
    PORTCULLIS_DATA_DIR: dataDir,
    // Where `--url` defaults to localhost:8787: this test's server.
    PORTCULLIS_URL: `http://localhost:${server.port}`,
    NO_COLOR: "1",
  });
}, 60_000);

afterAll(async () => {
  shell?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The value a placeholder line stands for: the one `prefix…` value the commands above it printed. */
function printed(prefix: string, output: string): string {
  const found = new Set(output.match(new RegExp(`\\b${prefix}[A-Za-z0-9_-]+`, "g")));
  // A key's displayPrefix (`pcpk_1bsn`) is the start of its value: the value is what was meant.
  const values = [...found].filter((value) => ![...found].some((other) => other !== value && other.startsWith(value)));
  if (values.length !== 1)
    throw new Error(`expected one ${prefix}… value in the output, found ${values.length}:\n${output}`);
  return values[0] as string;
}

type Step = ShellResult & { command: string };

/** Runs a README block; its output, split at each placeholder line (which is filled in and run). */
async function runBlock(id: string): Promise<Step[]> {
  const code = sample(README, id).code.replaceAll("localhost:8787", `localhost:${server.port}`);
  const steps: Step[] = [];
  let pending: string[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const command = pending.join("\n");
    steps.push({ command, ...(await shell.run(command, 45_000)) });
    pending = [];
  };
  for (const line of code.trimEnd().split("\n")) {
    const placeholder = PLACEHOLDER.exec(line);
    if (!placeholder) {
      pending.push(line);
      continue;
    }
    await flush();
    const value = printed(placeholder[2] as string, steps.at(-1)?.stdout ?? "");
    steps.push({ command: line, ...(await shell.run(`export ${placeholder[1]}=${value}`)) });
  }
  await flush();
  return steps;
}

const env = async (name: string) => (await shell.run(`echo "$${name}"`)).stdout;
const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe("README.md: the walk-through with curl, against the real server", () => {
  // One story: each block needs what the ones before it exported.
  it("init prints the org's first private key, and the next line keeps it", { timeout: 60_000 }, async () => {
    const [init, exported] = await runBlock("init");
    expect(init?.failed).toEqual([]);
    expect(init?.stdout).toContain('Created org "Acme"');
    expect(exported?.command).toBe("export PK=pcsk_...            # the private key it printed");
    expect(await env("PK")).toMatch(/^pcsk_/);
  });

  it("creates the scripted assistant", { timeout: 30_000 }, async () => {
    const [created, exported] = await runBlock("assistant");
    expect(created?.failed).toEqual([]);
    const assistant = json(created?.stdout ?? "");
    expect(assistant).toMatchObject({ name: "Support", model: { provider: "script" } });
    expect(exported?.command).toMatch(/^export ASST=asst_\.\.\. /);
    expect(await env("ASST")).toBe(assistant.id);
  });

  it("creates the public key restricted to the origin and the assistant", { timeout: 30_000 }, async () => {
    const [created, exported] = await runBlock("public-key");
    const key = json(created?.stdout ?? "");
    expect(key).toMatchObject({
      tag: "public",
      name: "Website",
      restrictions: { allowedOrigins: ["https://app.example.com"], allowedAssistantIds: [await env("ASST")] },
    });
    expect(exported?.command).toMatch(/^export PUB=pcpk_\.\.\. /);
    expect(await env("PUB")).toBe(key.value);
  });

  let webCallUrl = "";
  let callId = "";
  it("starts a call from the allowed origin: the call and its webCallUrl", { timeout: 30_000 }, async () => {
    const [started] = await runBlock("call-allowed");
    const call = json(started?.stdout ?? "");
    expect(call).toMatchObject({ status: "queued", assistantId: await env("ASST") });
    callId = String(call.id);
    webCallUrl = String(call.webCallUrl);
    expect(webCallUrl.startsWith(`ws://localhost:${server.port}/call/${callId}/ws?token=`)).toBe(true);
  });

  it("is refused from another origin with the 403 shown", { timeout: 30_000 }, async () => {
    const block = sample(README, "call-refused").code;
    const shown = /^# (\{.*),\.\.\.\}$/m.exec(block)?.[1];
    expect(shown).toBeDefined();
    const [refused] = await runBlock("call-refused");
    const body = json(refused?.stdout ?? "");
    expect(body).toMatchObject(JSON.parse(`${shown}}`));
    expect(body.code).toBe("ORIGIN_NOT_ALLOWED");
    // The answer does not reveal which origins are allowed.
    expect(refused?.stdout).not.toContain("app.example.com");
  });

  it("the webCallUrl is the live call: refused from another origin, then joined once from the allowed one", {
    timeout: 30_000,
  }, async () => {
    expect(await refusedJoin(webCallUrl, "https://evil.example")).toBe(403);

    const call = await joinCall(webCallUrl, "https://app.example.com");
    // Joined once: the URL's token is spent.
    expect(await refusedJoin(webCallUrl, "https://app.example.com")).toBe(401);
    expect(await call.next()).toBe("Hi Ada, how can I help?");
    const frame = /Send\s+`(\{"type":"add-message".*?\})`/.exec(readFileSync(join(ROOT, README), "utf8"))?.[1];
    expect(frame).toBeDefined();
    call.sendFrame(frame as string);
    expect(await call.next()).toBe("Plans start at 5 euros.");
    await call.end();

    // GET /call/{id} with the private key: the transcript, duration and endedReason.
    const ended = json(
      (await shell.run(`curl -s localhost:${server.port}/call/${callId} -H "Authorization: Bearer $PK"`)).stdout,
    );
    expect(ended).toMatchObject({ status: "ended", endedReason: "customer-ended-call" });
    expect(ended.durationSeconds).toEqual(expect.any(Number));
    expect(String(ended.transcript)).toContain("Plans start at 5 euros.");
  });
});

describe("README.md: the CLI block, in the same terminal", () => {
  it("each command does what its line says", { timeout: 180_000 }, async () => {
    const [created, exported, rest] = await runBlock("cli");
    expect(created?.failed).toEqual([]);
    expect(exported?.command).toMatch(/^export KEY=key_\.\.\. /);
    const keyId = await env("KEY");
    expect(created?.stdout).toContain(keyId);

    // Only the check fails, on purpose: exit 1 for a refusal.
    expect(rest?.failed).toEqual([expect.stringMatching(/^1 portcullis check /)]);
    const output = rest?.stdout ?? "";
    const shownDecision = /# (DENY .+)$/m.exec(sample(README, "cli").code)?.[1];
    expect(shownDecision).toMatch(/^DENY ORIGIN_NOT_ALLOWED /);
    expect(output.split("\n")).toContain(shownDecision);

    // keys update: both origins, then the limits.
    expect(output).toMatch(/origins +https:\/\/app\.example\.com, https:\/\/\*\.example\.com/);
    expect(output).toMatch(/rate limits +3\/min per ip/);
    expect(output).toMatch(/max concurrent +5 calls/);
    expect(output).toMatch(/spend cap +60 min\/day/);
    // keys stats, then the walk-through's refusal in the audit log.
    expect(output).toContain(`${keyId}  last 24h`);
    expect(output).toMatch(/call\.deny +key_\w+ +ORIGIN_NOT_ALLOWED +https:\/\/evil\.example/);

    // token mint: a token that starts a call for user u_42 from the allowed origin.
    const token = /^(eyJ[\w-]+\.[\w-]+\.[\w-]+)$/m.exec(output)?.[1];
    expect(token).toBeDefined();
    const minted = await shell.run(
      `curl -s -X POST localhost:${server.port}/call/web -H "Authorization: Bearer ${token}" -H 'Origin: https://app.example.com' -H 'Content-Type: application/json' -d "{\\"assistantId\\":\\"$ASST\\"}"`,
    );
    expect(json(minted.stdout)).toMatchObject({ status: "queued", userId: "u_42" });

    // keys rotate printed a new value; keys revoke removed the key; orgs create printed a first key.
    const values = new Set(output.match(/value +pcpk_\w+/g));
    expect(values.size).toBe(2);
    const revoked = json(
      (await shell.run(`curl -s localhost:${server.port}/token/$KEY -H "Authorization: Bearer $PK"`)).stdout,
    );
    expect(revoked.code).toBe("NOT_FOUND");
    expect(output).toMatch(/Created org "Second org"/);
    expect(output).toMatch(/^ +pcsk_\w+$/m);
  });
});
