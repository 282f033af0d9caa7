import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOrgWithKey, openDataDir, openSqlite, sqlitePath } from "../../src/index.ts";
import type { Json } from "../helpers.ts";
import { freePort, spawnServer } from "../server-process.ts";
import { CallClient } from "./call-client.ts";
import { APP_ORIGIN, endedCall, type Requester, readCall, requester, startCall } from "./live-server.ts";

/** The real server, `node --import tsx packages/server/src/main.ts`, as an operator starts it. */
type ChildServer = Requester & { child: ChildProcess; exited: Promise<number | null>; output: () => string };

let dataDir: string;
let masterKey: string;
let port: number;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "portcullis-restart-"));
  masterKey = randomBytes(32).toString("hex");
  port = await freePort();
});
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

async function startChild(): Promise<ChildServer> {
  const url = `http://127.0.0.1:${port}`;
  const server = await spawnServer(
    {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      PORTCULLIS_DATA_DIR: dataDir,
      PORTCULLIS_MASTER_KEY: masterKey,
      PORTCULLIS_PUBLIC_URL: url,
      LOG_LEVEL: "warn",
    },
    20_000,
  );
  children.push(server.child);
  return { ...server, ...requester(url) };
}

async function setUpOrg(): Promise<string> {
  const { store, cipher } = await openDataDir(dataDir, masterKey);
  const { privateKey } = await createOrgWithKey(store, cipher, { name: "Acme", at: new Date().toISOString() });
  await store.close();
  return privateKey;
}

async function created(server: Requester, key: string, path: string, payload: Json): Promise<Json> {
  const answer = await server.request("POST", path, { key, payload });
  expect(answer.statusCode, answer.body).toBe(201);
  return answer.json();
}

describe("live calls across a restart", () => {
  it("records a call left live by a crash as ended with server-shutdown; a queued call can still be joined", async () => {
    const privateKey = await setUpOrg();
    const first = await startChild();
    const assistant = await created(first, privateKey, "/assistant", {
      name: "Support",
      firstMessage: "Hello.",
      model: { provider: "script", fallback: "I see." },
    });
    const key = await created(first, privateKey, "/token", {
      tag: "public",
      name: "Browser",
      restrictions: { allowedOrigins: [APP_ORIGIN] },
    });
    const payload = { assistantId: assistant.id };
    const live = await startCall(first, String(key.value), payload);
    const queued = await startCall(first, String(key.value), payload);
    const client = await CallClient.join(live.webCallUrl, APP_ORIGIN);
    expect(await client.assistantSays()).toBe("Hello.");
    client.say("are you there?");
    expect(await client.assistantSays()).toBe("I see.");
    expect((await readCall(first, privateKey, live.id)).status).toBe("in-progress");

    // A crash: no shutdown hook runs.
    first.child.kill("SIGKILL");
    await first.exited;
    expect((await client.closed).code).toBe(1006);

    const second = await startChild();
    const after = await readCall(second, privateKey, live.id);
    expect(after).toMatchObject({ status: "ended", endedReason: "server-shutdown" });
    expect(Date.parse(String(after.endedAt))).toBeGreaterThanOrEqual(Date.parse(String(after.startedAt)));
    const calls = (await second.request("GET", "/call", { key: privateKey })).json() as unknown as Json[];
    expect(calls.map((c) => c.status).sort()).toEqual(["ended", "queued"]);

    // The queued call's token survived the restart, and its join window with it.
    const rejoined = await CallClient.join(queued.webCallUrl, APP_ORIGIN);
    expect(await rejoined.assistantSays()).toBe("Hello.");

    // A graceful stop tells the live client why, and records it.
    second.child.kill("SIGTERM");
    expect(await rejoined.next("status-update", (f) => f.status === "ended")).toEqual({
      type: "status-update",
      status: "ended",
      endedReason: "server-shutdown",
    });
    expect(await second.exited).toBe(0);

    const { store } = await openDataDir(dataDir, masterKey);
    try {
      expect(await store.findCall(queued.id)).toMatchObject({ status: "ended", endedReason: "server-shutdown" });
      const all = await Promise.all([live.id, queued.id].map((id) => store.findCall(id)));
      expect(all.filter((c) => c?.status !== "ended")).toEqual([]);
    } finally {
      await store.close();
    }
  }, 90_000);

  it("ends a call left queued by a crash as join-timeout when its window has passed", async () => {
    const privateKey = await setUpOrg();
    const first = await startChild();
    const assistant = await created(first, privateKey, "/assistant", { name: "Support", firstMessage: "Hello." });
    const key = await created(first, privateKey, "/token", { tag: "public", name: "Browser" });
    const queued = await startCall(first, String(key.value), { assistantId: assistant.id });
    first.child.kill("SIGKILL");
    await first.exited;

    // Move the join deadline into the past, as if the server had stayed down for a minute.
    const db = await openSqlite(sqlitePath(dataDir));
    await db
      .updateTable("calls")
      .set({ join_expires_at: Date.now() - 1 })
      .where("id", "=", queued.id)
      .execute();
    await db.destroy();

    const second = await startChild();
    const call = await endedCall(second, privateKey, queued.id);
    expect(call.endedReason).toBe("join-timeout");
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 90_000);
});
