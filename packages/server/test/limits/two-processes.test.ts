import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrgWithKey, openDataDir } from "../../src/index.ts";
import { expectCode, type HttpAnswer, type Requester, requester } from "../calls/live-server.ts";
import type { Json } from "../helpers.ts";
import { freePort, spawnServer, stopServer } from "../server-process.ts";
import { APP_ORIGIN } from "./harness.ts";

/**
 * Two real server processes on one SQLite file, as `npm start` runs them: every cap must hold
 * across both, since each process only sees the other through the database.
 */
const N = 40;
const CACHE_TTL_SECONDS = 1;

type Server = Requester & { child: ChildProcess; url: string };

let dataDir: string;
let privateKey: string;
let servers: Server[] = [];
let assistantId: string;

async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child } = await spawnServer({
    ...process.env,
    ...env,
    PORT: String(port),
    HOST: "127.0.0.1",
    PORTCULLIS_PUBLIC_URL: url,
    LOG_LEVEL: "silent",
  });
  return { child, url, ...requester(url) };
}

async function post(server: Server, path: string, payload: Json): Promise<Json> {
  const answer = await server.request("POST", path, { key: privateKey, payload });
  expect(answer.statusCode, answer.body).toBe(201);
  return answer.json();
}

/** `n` call starts at once, alternating between the two processes. */
function startSplit(key: string, n = N): Promise<HttpAnswer[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      (servers[i % 2] as Server).request("POST", "/call/web", { key, origin: APP_ORIGIN, payload: { assistantId } }),
    ),
  );
}

function tallyOf(answers: HttpAnswer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const answer of answers) {
    const name = answer.statusCode === 201 ? "201" : String(answer.json().code);
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

async function publicKey(restrictions: Json): Promise<{ id: string; value: string }> {
  const key = await post(servers[0] as Server, "/token", {
    tag: "public",
    restrictions: { allowedOrigins: [APP_ORIGIN], ...restrictions },
  });
  return { id: String(key.id), value: String(key.value) };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "portcullis-two-processes-"));
  const masterKey = randomBytes(32).toString("hex");
  // Seed the org as `portcullis init` does, then let go of the file before the servers open it.
  const seeded = await openDataDir(dataDir, masterKey);
  privateKey = (await createOrgWithKey(seeded.store, seeded.cipher, { name: "Acme", at: new Date().toISOString() }))
    .privateKey;
  await seeded.store.close();

  const env = {
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_MASTER_KEY: masterKey,
    PORTCULLIS_RATE_LIMIT_STORE: "sqlite",
    // How late one process sees a setting changed through the other.
    PORTCULLIS_KEY_CACHE_TTL_SECONDS: String(CACHE_TTL_SECONDS),
  };
  servers = await Promise.all([startServer(env), startServer(env)]);
  const assistant = await post(servers[1] as Server, "/assistant", {
    name: "Greeter",
    firstMessage: "Hello.",
    model: { provider: "script", fallback: "Mm." },
    maxDurationSeconds: 60,
  });
  assistantId = String(assistant.id);
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => stopServer(server.child)));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe("two server processes on one SQLite file", () => {
  it("a spend cap of K calls' worth admits exactly K of N starts split across both", { timeout: 30_000 }, async () => {
    const key = await publicKey({ spendLimit: { minutes: 3, period: "day" } });
    const answers = await startSplit(key.value);
    expect(tallyOf(answers)).toEqual({ 201: 3, SPEND_LIMIT_REACHED: N - 3 });
    const refused = answers.find((a) => a.statusCode !== 201);
    if (refused) expectCode(refused, "SPEND_LIMIT_REACHED");
  });

  it("maxConcurrentCalls K admits exactly K across both; a slot freed on one is usable on the other", {
    timeout: 30_000,
  }, async () => {
    const key = await publicKey({ maxConcurrentCalls: 4 });
    const answers = await startSplit(key.value);
    expect(tallyOf(answers)).toEqual({ 201: 4, CONCURRENCY_LIMIT: N - 4 });
    const b = servers[1] as Server;
    const opened = answers.filter((x) => x.statusCode === 201).map((x) => String(x.json().id));
    // End every call through process B, whichever process started it; then both processes see free slots.
    for (const id of opened)
      expect((await b.request("DELETE", `/call/${id}`, { key: privateKey })).statusCode).toBe(200);
    const again = await startSplit(key.value);
    expect(tallyOf(again)).toEqual({ 201: 4, CONCURRENCY_LIMIT: N - 4 });
  });

  it("a rate limit of R per window admits exactly R across both (shared SQLite store)", {
    timeout: 30_000,
  }, async () => {
    const key = await publicKey({ rateLimits: [{ requests: 5, windowSeconds: 60, per: "key" }] });
    const answers = await startSplit(key.value);
    expect(tallyOf(answers)).toEqual({ 201: 5, RATE_LIMITED: N - 5 });
    for (const answer of answers.filter((x) => x.statusCode !== 201))
      expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  it("an org-wide concurrency cap holds across both processes and keys", { timeout: 30_000 }, async () => {
    const [a] = servers as [Server, Server];
    const patched = await a.request("PATCH", "/org", { key: privateKey, payload: { maxConcurrentCalls: 3 } });
    expect(patched.statusCode).toBe(200);
    try {
      const one = await publicKey({});
      const two = await publicKey({});
      // The other process may hold the org's settings for up to the cache TTL.
      await new Promise((resolve) => setTimeout(resolve, CACHE_TTL_SECONDS * 1000 + 200));
      const answers = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          (servers[i % 2] as Server).request("POST", "/call/web", {
            key: i % 4 < 2 ? one.value : two.value,
            origin: APP_ORIGIN,
            payload: { assistantId },
          }),
        ),
      );
      expect(tallyOf(answers)).toEqual({ 201: 3, CONCURRENCY_LIMIT: N - 3 });
    } finally {
      await a.request("PATCH", "/org", { key: privateKey, payload: { maxConcurrentCalls: null } });
    }
  });
});
