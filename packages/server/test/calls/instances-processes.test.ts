import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOrgWithKey, openDataDir, openSqlite, sqlitePath } from "../../src/index.ts";
import type { Json } from "../helpers.ts";
import { freePort, spawnServer } from "../server-process.ts";
import { CallClient } from "./call-client.ts";
import { APP_ORIGIN, endedCall, expectCode, type Requester, readCall, requester, startCall } from "./live-server.ts";

/**
 * Server processes sharing one SQLite file, started and killed as an operator would: a process that
 * starts must leave the calls of live ones alone, and the calls of one that crashed must end and free
 * their holds. Short heartbeat settings keep the test from sleeping.
 */
const LEASE = { PORTCULLIS_INSTANCE_HEARTBEAT_MS: "200", PORTCULLIS_INSTANCE_LEASE_MS: "1000" };
const CAP = 3;

type Server = Requester & { child: ChildProcess; exited: Promise<unknown> };

let dataDir: string;
let masterKey: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "portcullis-instances-"));
  masterKey = randomBytes(32).toString("hex");
});
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

async function startChild(): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await spawnServer({
    ...process.env,
    ...LEASE,
    PORT: String(port),
    HOST: "127.0.0.1",
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_MASTER_KEY: masterKey,
    PORTCULLIS_PUBLIC_URL: url,
    LOG_LEVEL: "silent",
  });
  children.push(server.child);
  return { child: server.child, exited: server.exited, ...requester(url) };
}

async function created(server: Requester, key: string, path: string, payload: Json): Promise<Json> {
  const answer = await server.request("POST", path, { key, payload });
  expect(answer.statusCode, answer.body).toBe(201);
  return answer.json();
}

/** A call started on `server` and joined there, its greeting heard. */
async function joined(server: Requester, key: string, assistantId: string) {
  const call = await startCall(server, key, { assistantId });
  const client = await CallClient.join(call.webCallUrl, APP_ORIGIN);
  expect(await client.assistantSays()).toBe("Hello.");
  return { id: call.id, client };
}

async function stillTalks(client: CallClient): Promise<void> {
  client.say("still there?");
  expect(await client.assistantSays()).toBe("I see.");
}

/** What the key's spend counters hold, in seconds. */
async function spendHeld(keyId: string): Promise<number> {
  const db = await openSqlite(sqlitePath(dataDir));
  try {
    const rows = await db
      .selectFrom("limit_counters")
      .select("used")
      .where(sql<string>`substr(scope, 1, length(${`spend:key:${keyId}:`}))`, "=", `spend:key:${keyId}:`)
      .execute();
    return rows.reduce((sum, row) => sum + row.used, 0);
  } finally {
    await db.destroy();
  }
}

describe("server processes on one database, started and crashed while calls are live", () => {
  it("a process that starts leaves the other's calls and holds alone; a crashed one's calls end and free their holds", async () => {
    const seeded = await openDataDir(dataDir, masterKey);
    const { privateKey } = await createOrgWithKey(seeded.store, seeded.cipher, {
      name: "Acme",
      at: new Date().toISOString(),
    });
    await seeded.store.close();

    const a = await startChild();
    const assistant = await created(a, privateKey, "/assistant", {
      name: "Support",
      firstMessage: "Hello.",
      model: { provider: "script", fallback: "I see." },
      maxDurationSeconds: 60,
    });
    const key = await created(a, privateKey, "/token", {
      tag: "public",
      restrictions: {
        allowedOrigins: [APP_ORIGIN],
        maxConcurrentCalls: CAP,
        spendLimit: { minutes: 10, period: "day" },
      },
    });
    const keyValue = String(key.value);
    const assistantId = String(assistant.id);
    const onA = [await joined(a, keyValue, assistantId), await joined(a, keyValue, assistantId)];

    // B starts while A's calls are live: they go on, and their slots still count.
    const b = await startChild();
    for (const call of onA) expect((await readCall(b, privateKey, call.id)).status).toBe("in-progress");
    for (const call of onA) await stillTalks(call.client);
    const onB = await joined(b, keyValue, assistantId);
    for (const server of [a, b])
      expectCode(
        await server.request("POST", "/call/web", { key: keyValue, origin: APP_ORIGIN, payload: { assistantId } }),
        "CONCURRENCY_LIMIT",
      );
    // Several lease periods later A's calls are still live: B's heartbeats end none of them.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    for (const call of onA) await stillTalks(call.client);
    expect(await spendHeld(String(key.id))).toBe(3 * 60);

    // A crashes: B ends its calls as server-shutdown and gives back their holds.
    a.child.kill("SIGKILL");
    await a.exited;
    const ended = await Promise.all(onA.map((call) => endedCall(b, privateKey, call.id, 10_000)));
    for (const call of ended) {
      expect(call.endedReason).toBe("server-shutdown");
      expect(Number(call.durationSeconds)).toBeGreaterThanOrEqual(2);
      expect(Number(call.durationSeconds)).toBeLessThan(60);
    }
    // Each of A's calls is charged what it ran, rounded up to the second; B's call keeps its reservation.
    const charged = ended.reduce((sum, call) => sum + Math.ceil(Number(call.durationSeconds)), 0);
    expect(await spendHeld(String(key.id))).toBe(60 + charged);
    await stillTalks(onB.client);

    // The two freed slots are usable, and no more: B's live call still holds the third.
    const again = await Promise.all(
      [0, 1, 2].map(() =>
        b.request("POST", "/call/web", { key: keyValue, origin: APP_ORIGIN, payload: { assistantId } }),
      ),
    );
    expect(again.map((answer) => (answer.statusCode === 201 ? "201" : String(answer.json().code))).sort()).toEqual([
      "201",
      "201",
      "CONCURRENCY_LIMIT",
    ]);

    // A restarted beside B ends nothing of B's and leaves the counters as they are.
    const restarted = await startChild();
    expect((await readCall(restarted, privateKey, onB.id)).status).toBe("in-progress");
    await stillTalks(onB.client);
    expectCode(
      await restarted.request("POST", "/call/web", { key: keyValue, origin: APP_ORIGIN, payload: { assistantId } }),
      "CONCURRENCY_LIMIT",
    );

    // Ended through the API of a process that does not run it, the call's session ends too, with that reason.
    expect((await restarted.request("DELETE", `/call/${onB.id}`, { key: privateKey })).statusCode).toBe(200);
    expect(await onB.client.next("status-update", (f) => f.status === "ended")).toMatchObject({
      endedReason: "ended-via-api",
    });
    expect((await onB.client.closed).code).toBe(1000);
  }, 90_000);
});
