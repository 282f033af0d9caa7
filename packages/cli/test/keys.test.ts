import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initOrg, json, remote, runCli, startServer, type TestServer, tempDir } from "./harness.ts";

type Key = { id: string; tag: string; value?: string; restrictions: Record<string, unknown> };
type Check = {
  decision: string;
  mode: string;
  code?: string;
  rule?: string;
  field?: string;
  wouldDeny?: { code: string; rule: string; field?: string };
  trace: { rule: string }[];
};

const APP = "https://app.example.com";

let server: TestServer;
let cli: ReturnType<typeof remote>;
let assistantId: string;
let otherAssistantId: string;
/** A restricted key that no test changes, for the dry-run table. */
let checked: Key;
let transientFile: string;

beforeAll(async () => {
  server = await startServer();
  cli = remote(server, (await initOrg(server)).privateKey);
  const create = async (name: string) =>
    json<{ id: string }>(await cli(["assistants", "create", "--name", name, "--json"])).id;
  [assistantId, otherAssistantId] = await Promise.all([create("Support"), create("Other")]);
  checked = await restrictedKey();
  transientFile = join(tempDir("transient"), "assistant.json");
  writeFileSync(transientFile, JSON.stringify({ name: "Inline", firstMessage: "Hello" }));
});
afterAll(async () => {
  await server?.close();
});

async function restrictedKey(...extra: string[]): Promise<Key> {
  return json<Key>(
    await cli(["keys", "create", "--public", "--origin", APP, "--assistant", assistantId, ...extra, "--json"]),
  );
}

describe("keys create and check", () => {
  it("creates a restricted public key that the real web-call route honours", async () => {
    const key = await restrictedKey("--name", "Website");
    expect(key.tag).toBe("public");
    expect(key.restrictions).toMatchObject({
      enabled: true,
      allowedOrigins: [APP],
      allowedAssistantIds: [assistantId],
      allowTransientAssistant: false,
      allowedOverrides: ["variableValues"],
    });
    const start = (origin: string) =>
      fetch(`${server.url}/call/web`, {
        method: "POST",
        headers: { authorization: `Bearer ${key.value}`, "content-type": "application/json", origin },
        body: JSON.stringify({ assistantId }),
      });
    const started = await start(APP);
    expect(started.status, await started.clone().text()).toBe(201);
    const refused = await start("https://evil.example.com");
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe("ORIGIN_NOT_ALLOWED");

    const calls = json<{ id: string; keyId: string }[]>(await cli(["calls", "list", "--json"]));
    const call = calls.find((c) => c.keyId === key.id);
    expect(call).toBeDefined();
    const shown = await cli(["calls", "show", call?.id ?? ""]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(APP);
  });

  it("check allows a call the key permits: ALLOW, exit 0, with the trace", async () => {
    const result = await cli(["check", "--key", checked.id, "--origin", APP, "--assistant", assistantId]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ALLOW\n/);
    expect(result.stdout).toMatch(/✓ origin\s+https:\/\/app\.example\.com matches/);
    expect(result.stdout).toMatch(/✓ assistant/);
  });

  // Functions, because the IDs and the file exist only once beforeAll has run.
  it.each<[string, () => string[], string, string]>([
    ["another origin", () => ["--origin", "https://evil.example.com"], "ORIGIN_NOT_ALLOWED", "origin"],
    ["a look-alike origin", () => ["--origin", `${APP}.evil.io`], "ORIGIN_NOT_ALLOWED", "origin"],
    ["no origin", () => [], "ORIGIN_NOT_ALLOWED", "origin"],
    [
      "another assistant",
      () => ["--origin", APP, "--assistant", otherAssistantId],
      "ASSISTANT_NOT_ALLOWED",
      "assistant",
    ],
    [
      "a transient assistant",
      () => ["--origin", APP, "--transient", transientFile],
      "TRANSIENT_ASSISTANT_NOT_ALLOWED",
      "transient",
    ],
    [
      "an override not allowed",
      () => ["--origin", APP, "--assistant", assistantId, "--override", "firstMessage=Hi"],
      "OVERRIDE_NOT_ALLOWED",
      "overrides",
    ],
  ])("check refuses %s: DENY with the code and rule, exit 1", async (_, args, code, rule) => {
    const [human, machine] = await Promise.all([
      cli(["check", "--key", checked.id, ...args()]),
      cli(["check", "--key", checked.id, ...args(), "--json"]),
    ]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(new RegExp(`^DENY ${code}\\s+decided by the ${rule} rule`));
    expect(human.stdout).toContain(`✗ ${rule}`);

    expect(machine.code).toBe(1);
    expect(JSON.parse(machine.stdout)).toMatchObject({ decision: "deny", mode: "enforce", code, rule });
    expect(JSON.parse(machine.stdout)).not.toHaveProperty("wouldDeny");
  });

  it.each<[string, () => string[], string, Check["wouldDeny"]]>([
    [
      "another origin",
      () => ["--origin", "https://evil.example.com", "--assistant", assistantId],
      "ALLOW (report-only; would deny ORIGIN_NOT_ALLOWED, rule: origin)",
      { code: "ORIGIN_NOT_ALLOWED", rule: "origin" },
    ],
    [
      "an override not allowed",
      () => ["--origin", APP, "--assistant", assistantId, "--override", "firstMessage=Hi"],
      "ALLOW (report-only; would deny OVERRIDE_NOT_ALLOWED, rule: overrides, field: firstMessage)",
      { code: "OVERRIDE_NOT_ALLOWED", rule: "overrides", field: "firstMessage" },
    ],
    [
      "a request the rules pass",
      () => ["--origin", APP, "--assistant", assistantId],
      "ALLOW (report-only; no rule would refuse)",
      undefined,
    ],
  ])(
    "check on a report-only key, %s: ALLOW, exit 0, and what enforcing would refuse",
    async (_, args, line, wouldDeny) => {
      const key = await restrictedKey("--report-only");
      const [human, machine] = await Promise.all([
        cli(["check", "--key", key.id, ...args()]),
        cli(["check", "--key", key.id, ...args(), "--json"]),
      ]);
      expect(human.code).toBe(0);
      expect(human.stdout.split("\n")[0]).toBe(line);
      const answer = json<Check>(machine);
      expect(answer).toMatchObject({ decision: "allow", mode: "report-only" });
      expect(answer.wouldDeny).toEqual(wouldDeny);
    },
  );

  it("check --override takes JSON values and passes overrides the key allows", async () => {
    const key = await restrictedKey("--allow-override", "variableValues", "--allow-override", "firstMessage");
    const result = await cli([
      "check",
      "--key",
      key.id,
      "--origin",
      APP,
      "--assistant",
      assistantId,
      "--override",
      'variableValues={"name":"Ada"}',
      "--override",
      "firstMessage=Hi",
      "--json",
    ]);
    expect(json<Check>(result)).toMatchObject({ decision: "allow" });
  });

  it("refuses an invalid origin rule with INVALID_ORIGIN_RULE and the offending field", async () => {
    const result = await cli(["keys", "create", "--public", "--origin", "https://app.example.com/path"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error INVALID_ORIGIN_RULE: .*app\.example\.com\/path/m);
    expect(result.stderr).toContain("field: restrictions.allowedOrigins[0]");
  });

  it("refuses browser rules on a private key", async () => {
    const result = await cli(["keys", "create", "--private", "--origin", APP]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Error VALIDATION_FAILED:");
  });

  it("prints a new private key with the store-it-now warning", async () => {
    const result = await cli(["keys", "create", "--private", "--name", "Backend"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/value\s+pcsk_/);
    expect(result.stdout).toContain("shown only once");
  });
});

describe("keys update", () => {
  it("changes only what the flags say and keeps the rest of the restrictions", async () => {
    const key = await restrictedKey("--allow-override", "firstMessage");
    const other = "https://other.example.com";
    const updated = json<Key>(await cli(["keys", "update", key.id, "--origin", other, "--json"]));
    expect(updated.restrictions).toMatchObject({
      allowedOrigins: [other],
      allowedAssistantIds: [assistantId],
      allowedOverrides: ["firstMessage"],
    });
    expect((await cli(["check", "--key", key.id, "--origin", APP])).code).toBe(1);
    expect((await cli(["check", "--key", key.id, "--origin", other])).code).toBe(0);

    const renamed = json<Key & { name: string }>(await cli(["keys", "update", key.id, "--name", "Renamed", "--json"]));
    expect(renamed.name).toBe("Renamed");
    expect(renamed.restrictions).toEqual(updated.restrictions);

    const opened = json<Key>(await cli(["keys", "update", key.id, "--no-origins", "--no-allow-override", "--json"]));
    expect(opened.restrictions.allowedOrigins).toBeUndefined();
    expect(opened.restrictions.allowedOverrides).toEqual([]);
    expect(opened.restrictions.allowedAssistantIds).toEqual([assistantId]);
  });

  it("--disable makes check refuse with KEY_DISABLED; --enable restores it", async () => {
    const key = await restrictedKey();
    const args = ["check", "--key", key.id, "--origin", APP, "--assistant", assistantId];
    expect((await cli(["keys", "update", key.id, "--disable"])).code).toBe(0);
    const refused = await cli(args);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^DENY KEY_DISABLED/);
    expect((await cli(["keys", "update", key.id, "--enable"])).code).toBe(0);
    expect((await cli(args)).code).toBe(0);
  });

  it("transient assistants need the assistant list removed first", async () => {
    const key = await restrictedKey();
    const refused = await cli(["keys", "update", key.id, "--allow-transient"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Error VALIDATION_FAILED:");
    const allowed = json<Key>(await cli(["keys", "update", key.id, "--no-assistants", "--allow-transient", "--json"]));
    expect(allowed.restrictions).toMatchObject({ allowTransientAssistant: true });
    expect(allowed.restrictions.allowedAssistantIds).toBeUndefined();
  });
});

describe("keys revoke, list and show", () => {
  it("a revoked key is gone from list and show", async () => {
    const key = await restrictedKey();
    const revoked = await cli(["keys", "revoke", key.id]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked ${key.id}`);
    const shown = await cli(["keys", "show", key.id]);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toMatch(/^Error NOT_FOUND:/);
    const listed = json<Key[]>(await cli(["keys", "list", "--json"]));
    expect(listed.map((k) => k.id)).not.toContain(key.id);
  });

  it("a revoked private key is refused with KEY_REVOKED", async () => {
    const made = json<Key>(await cli(["keys", "create", "--private", "--json"]));
    expect((await cli(["keys", "revoke", made.id])).code).toBe(0);
    const result = await remote(server, made.value ?? "")(["keys", "list"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error KEY_REVOKED:/);
  });

  it("lists and shows keys for people", async () => {
    const key = await restrictedKey("--name", "Shown");
    const listed = await cli(["keys", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+TAG\s+NAME/);
    expect(listed.stdout).toContain(key.id);
    const shown = await cli(["keys", "show", key.id]);
    expect(shown.stdout).toMatch(/origins\s+https:\/\/app\.example\.com/);
    expect(shown.stdout).toContain(key.value);
  });

  it("a public key is refused on the private routes", async () => {
    const key = await restrictedKey();
    const result = await remote(server, key.value ?? "")(["keys", "list"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error PUBLIC_KEY_NOT_ALLOWED_HERE:/);
  });
});

describe("keys rotate and org settings", () => {
  it("rotate gives a private key a new value; the old one stops at once", async () => {
    const made = json<Key>(await cli(["keys", "create", "--private", "--json"]));
    const rotated = json<Key>(await cli(["keys", "rotate", made.id, "--json"]));
    expect(rotated.id).toBe(made.id);
    expect(rotated.value).toMatch(/^pcsk_/);
    expect(rotated.value).not.toBe(made.value);
    const [old, fresh] = await Promise.all([
      remote(server, made.value ?? "")(["keys", "list"]),
      remote(server, rotated.value ?? "")(["keys", "list"]),
    ]);
    // The server tells a rotated-out value from an unknown one, so its owner knows what happened.
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/^Error KEY_ROTATED:/);
    expect(fresh.code).toBe(0);
  });

  it("org show and org update --max-token-ttl", async () => {
    const updated = await cli(["org", "update", "--max-token-ttl", "600"]);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/max token TTL\s+600 s/);
    expect(json<{ maxTokenTtlSeconds: number }>(await cli(["org", "show", "--json"])).maxTokenTtlSeconds).toBe(600);
  });
});

describe("assistants", () => {
  it("create from a file and flags, update, show, delete", async () => {
    const file = join(tempDir("assistant"), "assistant.json");
    writeFileSync(file, JSON.stringify({ name: "From file", model: { provider: "openai", model: "gpt-4o" } }));
    const made = json<{ id: string; name: string; model: unknown; firstMessage: string }>(
      await cli(["assistants", "create", "--file", file, "--first-message", "Hello", "--json"]),
    );
    expect(made).toMatchObject({ name: "From file", firstMessage: "Hello", model: { provider: "openai" } });

    const updated = json<{ name: string; model: unknown }>(
      await cli(["assistants", "update", made.id, "--name", "Renamed", "--json"]),
    );
    expect(updated).toMatchObject({ name: "Renamed", model: { provider: "openai" } });
    expect((await cli(["assistants", "show", made.id])).stdout).toContain("Renamed");
    expect((await cli(["assistants", "delete", made.id])).code).toBe(0);
    expect((await cli(["assistants", "show", made.id])).code).toBe(1);
  });

  it("an unknown field in --file is refused with UNKNOWN_FIELD", async () => {
    const result = await cli(["assistants", "create", "--name", "X", "--file", "-"], '{"nope": true}');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error UNKNOWN_FIELD:/);
  });

  it("lists page by page", async () => {
    const first = json<unknown[]>(await cli(["assistants", "list", "--limit", "1", "--json"]));
    expect(first).toHaveLength(1);
    const all = json<unknown[]>(await cli(["assistants", "list", "--limit", "1", "--all", "--json"]));
    expect(all.length).toBeGreaterThanOrEqual(2);
  });
});

describe("talking to the server", () => {
  it("an unreachable server is a clear failure, exit 1", async () => {
    const result = await runCli(["keys", "list", "--url", "http://127.0.0.1:9", "--api-key", "pcsk_x"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Could not reach http://127.0.0.1:9");
  });

  it("no API key is a usage error, exit 2", async () => {
    const result = await runCli(["keys", "list", "--url", server.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("PORTCULLIS_API_KEY");
  });
});
