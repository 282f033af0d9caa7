import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SETTINGS } from "@portcullis/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATA_DIR_ENV, DEFAULT_DATA_DIR, MASTER_KEY_ENV } from "../src/options.ts";
import { BIN, initOrg, json, MASTER_KEY, remote, runCli, startServer, type TestServer, tempDir } from "./harness.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe("portcullis init", () => {
  it("prints a private key once, with a warning, and the key works against the server", async () => {
    const result = await runCli(["init", "--data", server.dataDir, "--name", "Acme"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created org "Acme"');
    expect(result.stdout).toContain("shown only this once");
    const privateKey = result.stdout.match(/pcsk_[0-9A-Za-z]+/)?.[0];
    const keyId = result.stdout.match(/key_[0-9A-Za-z]+/)?.[0];
    expect(privateKey).toBeDefined();

    const cli = remote(server, privateKey ?? "");
    const keys = json<{ id: string; tag: string; value?: string }[]>(await cli(["keys", "list", "--json"]));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ id: keyId, tag: "private" });
    // Shown once: the API never returns a private key's value again.
    expect(keys[0]?.value).toBeUndefined();
  });

  it("run again, creates another, separate org with its own key", async () => {
    const first = await initOrg(server, "First");
    const again = await runCli(["init", "--data", server.dataDir, "--name", "Second"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already has \d+ org\(s\); this is a new, separate one/);

    const orgs = json<{ id: string; name: string; keys: number }[]>(
      await runCli(["orgs", "list", "--data", server.dataDir, "--json"]),
    );
    expect(orgs.map((org) => org.name)).toEqual(expect.arrayContaining(["First", "Second"]));
    expect(orgs.find((org) => org.id === first.org.id)?.keys).toBe(1);

    // The second org's key sees none of the first org's keys.
    const secondKey = again.stdout.match(/pcsk_[0-9A-Za-z]+/)?.[0] ?? "";
    const shown = await remote(server, secondKey)(["keys", "show", first.keyId]);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toContain("Error NOT_FOUND:");
  });

  it("takes the data dir from PORTCULLIS_DATA_DIR when --data is absent", async () => {
    const made = json<{ org: { id: string } }>(
      await runCli(["init", "--name", "From env", "--json"], { PORTCULLIS_DATA_DIR: server.dataDir }),
    );
    const listed = await runCli(["orgs", "list", "--data", server.dataDir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(made.org.id);
    expect(listed.stdout).toContain("From env");
  });

  it("uses the server's data-dir and master-key settings", () => {
    expect(DATA_DIR_ENV).toBe(SETTINGS.dataDir.env);
    expect(DEFAULT_DATA_DIR).toBe(SETTINGS.dataDir.default);
    expect(MASTER_KEY_ENV).toBe(SETTINGS.masterKey.env);
  });
});

describe("portcullis orgs", () => {
  it("orgs create prints the new org's first key", async () => {
    const made = json<{ org: { name: string }; privateKey: string }>(
      await runCli(["orgs", "create", "--data", server.dataDir, "--name", "Beta", "--json"]),
    );
    expect(made.org.name).toBe("Beta");
    expect(made.privateKey).toMatch(/^pcsk_/);
    expect((await remote(server, made.privateKey)(["keys", "list"])).code).toBe(0);
  });

  it("orgs list on a missing data dir says so and creates nothing", async () => {
    const missing = join(tempDir("missing"), "nope");
    const result = await runCli(["orgs", "list", "--data", missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No database at");
    expect(existsSync(missing)).toBe(false);
  });
});

describe("portcullis serve", () => {
  it("starts the server on the given data dir and port, and stops on SIGTERM", async () => {
    const dataDir = tempDir("serve");
    const child = spawn(process.execPath, [BIN, "serve", "--data", dataDir, "--port", "0"], {
      env: { ...process.env, [MASTER_KEY_ENV]: MASTER_KEY, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk;
          const found = out.match(/listening on (http:\/\/\S+)/);
          if (found?.[1]) resolve(found[1]);
        });
        child.on("exit", (code) => reject(new Error(`serve exited ${code} before listening: ${out}`)));
      });
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(existsSync(join(dataDir, "portcullis.sqlite"))).toBe(true);
    } finally {
      const exited =
        child.exitCode === null
          ? new Promise<number | null>((resolve) => child.on("exit", resolve))
          : Promise.resolve(child.exitCode);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
