import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initOrg, json, remote, runCli, startServer, type TestServer } from "./harness.ts";

type Key = { id: string; value: string };
type Event = { event: string; keyId: string | null; reason: string | null; origin: string | null };
type Stats = {
  totals: { allowed: number; refused: number; wouldRefuse: number };
  byReason: Record<string, number>;
  byOrigin: Record<string, { allowed: number; refused: number }>;
  buckets: unknown[];
};

const APP = "https://app.example.com";
const EVIL = "https://evil.example.com";

let server: TestServer;
let cli: ReturnType<typeof remote>;
let privateKey: string;
let key: Key;
/** Calls the key started from APP. */
const callIds: string[] = [];

/** Starts calls as a browser on `origin` would; returns each answer's status. */
async function startCalls(origin: string, count: number, assistantId: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${server.url}/call/web`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.value}`, "content-type": "application/json", origin },
      body: JSON.stringify({ assistantId }),
    });
    const body = (await response.json()) as { id?: string };
    if (response.status === 201 && body.id) callIds.push(body.id);
    statuses.push(response.status);
  }
  return statuses;
}

// One key's history for the whole file: 2 calls from APP, 3 refusals from EVIL.
beforeAll(async () => {
  server = await startServer();
  privateKey = (await initOrg(server)).privateKey;
  cli = remote(server, privateKey);
  const assistantId = json<{ id: string }>(await cli(["assistants", "create", "--name", "Support", "--json"])).id;
  key = json<Key>(await cli(["keys", "create", "--public", "--origin", APP, "--assistant", assistantId, "--json"]));
  expect(await startCalls(APP, 2, assistantId)).toEqual([201, 201]);
  expect(await startCalls(EVIL, 3, assistantId)).toEqual([403, 403, 403]);
});
afterAll(async () => {
  await server?.close();
});

describe("keys stats", () => {
  it("--json: totals, refusals by reason and by origin", async () => {
    const stats = json<Stats>(await cli(["keys", "stats", key.id, "--window", "1h", "--json"]));
    expect(stats.totals).toEqual({ allowed: 2, refused: 3, wouldRefuse: 0 });
    expect(stats.byReason).toEqual({ ORIGIN_NOT_ALLOWED: 3 });
    expect(stats.byOrigin[APP]).toMatchObject({ allowed: 2, refused: 0 });
    expect(stats.byOrigin[EVIL]).toMatchObject({ allowed: 0, refused: 3 });
    expect(stats.buckets).toHaveLength(60);
  });

  it("for people: totals, a bar per reason, an origin table and a chart over time", async () => {
    const result = await cli(["keys", "stats", key.id]);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(new RegExp(`^${key.id}\\s+last 24h`));
    expect(out).toMatch(/allowed\s+2\n\s+refused\s+3/);
    expect(out).toMatch(/ORIGIN_NOT_ALLOWED\s+3\s+█+/);
    expect(out).toMatch(/https:\/\/evil\.example\.com\s+0\s+3\s+0/);
    expect(out).toContain("Call starts per hour");
    // 24 hourly buckets; the refusals, the most in any bucket, stand at full height.
    expect(out).toMatch(/allowed\s+[·▁-█]{24}\n/);
    expect(out).toMatch(/refused\s+·*█·*\n/);
  });
});

describe("audit", () => {
  it("filters by event, key, reason and time", async () => {
    const denied = json<Event[]>(
      await cli([
        "audit",
        "--event",
        "call.deny",
        "--key",
        key.id,
        "--reason",
        "ORIGIN_NOT_ALLOWED",
        "--since",
        "1h",
        "--json",
      ]),
    );
    expect(denied).toHaveLength(3);
    expect(denied.every((e) => e.event === "call.deny" && e.origin === EVIL && e.keyId === key.id)).toBe(true);

    const [future, past] = await Promise.all([
      cli(["audit", "--since", new Date(Date.now() + 3_600_000).toISOString(), "--json"]),
      cli(["audit", "--until", "1h", "--json"]),
    ]);
    expect(json<Event[]>(future)).toEqual([]);
    expect(json<Event[]>(past)).toEqual([]);
  });

  it("pages, and shows a table for people", async () => {
    const [page, all, table] = await Promise.all([
      cli(["audit", "--limit", "2", "--json"]),
      cli(["audit", "--limit", "2", "--all", "--json"]),
      cli(["audit", "--event", "call.start"]),
    ]);
    expect(json<Event[]>(page)).toHaveLength(2);
    expect(page.stderr).toMatch(/More on the next page: --cursor \S+/);
    expect(json<Event[]>(all).length).toBeGreaterThanOrEqual(7);
    expect(table.stdout).toMatch(/^AT\s+EVENT\s+KEY\s+REASON\s+ORIGIN\s+DETAIL/);
    expect(table.stdout).toMatch(new RegExp(`call\\.start\\s+${key.id}\\s+-\\s+https://app\\.example\\.com`));
  });

  it("an unknown event is refused by the server: VALIDATION_FAILED, exit 1", async () => {
    const result = await cli(["audit", "--event", "nope.nothing"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error VALIDATION_FAILED:/);
  });
});

describe("calls list --key", () => {
  it("lists only the calls that key started; another key's call is left out", async () => {
    const assistantId = json<{ id: string }>(await cli(["assistants", "create", "--name", "Other", "--json"])).id;
    const other = json<Key>(
      await cli(["keys", "create", "--public", "--origin", APP, "--assistant", assistantId, "--json"]),
    );
    const started = await fetch(`${server.url}/call/web`, {
      method: "POST",
      headers: { authorization: `Bearer ${other.value}`, "content-type": "application/json", origin: APP },
      body: JSON.stringify({ assistantId }),
    });
    expect(started.status).toBe(201);
    const otherCall = ((await started.json()) as { id: string }).id;

    const mine = json<{ id: string; keyId: string }[]>(await cli(["calls", "list", "--key", key.id, "--json"]));
    expect(mine.map((c) => c.id)).toEqual([...callIds].reverse());
    const theirs = json<{ id: string }[]>(await cli(["calls", "list", "--key", other.id, "--json"]));
    expect(theirs.map((c) => c.id)).toEqual([otherCall]);
    // Paged by --limit, the filter holds on every page.
    const paged = json<{ id: string }[]>(await cli(["calls", "list", "--key", key.id, "--limit", "1", "--json"]));
    expect(paged.map((c) => c.id)).toEqual([...callIds].reverse().slice(0, 1));
    const all = json<{ id: string }[]>(
      await cli(["calls", "list", "--key", key.id, "--limit", "1", "--all", "--json"]),
    );
    expect(all.map((c) => c.id)).toEqual([...callIds].reverse());
    const table = await cli(["calls", "list", "--key", other.id]);
    expect(table.stdout).toContain(otherCall);
    expect(table.stdout).not.toContain(callIds[0]);
  });

  it("a key ID that is not one is refused by the server: VALIDATION_FAILED, exit 1", async () => {
    const result = await cli(["calls", "list", "--key", "asst_123"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error VALIDATION_FAILED:/);
  });
});

describe("calls end", () => {
  it("ends a queued call once; a second end is CALL_NOT_LIVE", async () => {
    const id = callIds[0] ?? "";
    const ended = await cli(["calls", "end", id]);
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stdout).toMatch(new RegExp(`^Ended ${id}`));
    const [again, shown] = await Promise.all([cli(["calls", "end", id]), cli(["calls", "show", id, "--json"])]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^Error CALL_NOT_LIVE:/);
    expect(json<{ status: string }>(shown).status).toBe("ended");
  });
});

describe("credentials", () => {
  const SECRET = "sk-test-do-not-echo-0123456789";

  it("add reads the provider key from stdin or an env variable, never shows it; list and delete", async () => {
    const fromStdin = await cli(
      ["credentials", "add", "--provider", "openai", "--api-key-stdin", "--name", "Prod"],
      `${SECRET}\n`,
    );
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout).toMatch(/^cred_\S+\s+openai\s+"Prod"/);
    const fromEnv = await runCli(
      ["credentials", "add", "--provider", "openai", "--api-key-env", "OPENAI_KEY", "--json"],
      {
        PORTCULLIS_URL: server.url,
        PORTCULLIS_API_KEY: privateKey,
        OPENAI_KEY: SECRET,
      },
    );
    const made = json<{ id: string; provider: string }>(fromEnv);
    expect(made.provider).toBe("openai");

    const listed = await cli(["credentials", "list"]);
    expect(listed.stdout).toMatch(/^ID\s+PROVIDER\s+NAME\s+CREATED/);
    expect(listed.stdout).toContain(made.id);
    const audit = await cli(["audit", "--event", "credential.create", "--json"]);
    for (const output of [fromStdin.stdout, fromStdin.stderr, fromEnv.stdout, listed.stdout, audit.stdout])
      expect(output).not.toContain(SECRET);

    expect((await cli(["credentials", "delete", made.id])).stdout).toContain(`Deleted ${made.id}`);
    expect(json<{ id: string }[]>(await cli(["credentials", "list", "--json"])).map((c) => c.id)).not.toContain(
      made.id,
    );
  });

  it("refuses an empty stdin or an unset variable, exit 2", async () => {
    const [empty, unset] = await Promise.all([
      cli(["credentials", "add", "--provider", "openai", "--api-key-stdin"], ""),
      cli(["credentials", "add", "--provider", "openai", "--api-key-env", "PORTCULLIS_TEST_UNSET"]),
    ]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("No openai API key on stdin");
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("PORTCULLIS_TEST_UNSET is not set");
  });
});
