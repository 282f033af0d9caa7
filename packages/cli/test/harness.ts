import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp, openDataDir } from "@portcullis/server";

export const BIN = fileURLToPath(new URL("../bin/portcullis.js", import.meta.url));

/** One master key for the in-process server and every CLI child, as an operator would set it. */
export const MASTER_KEY = randomBytes(32).toString("hex");

export type RunResult = { code: number | null; stdout: string; stderr: string };

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `portcullis-cli-${label}-`));
}

/**
 * Runs `node packages/cli/bin/portcullis.js …` as a child process, asynchronously (the server under
 * test lives in this process and must keep answering). The child gets a clean Portcullis
 * environment: only what `env` sets, plus the master key.
 */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<RunResult> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^PORTCULLIS_|^PORT$/.test(name)),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: tmpdir(),
      env: { ...inherited, NO_COLOR: "1", PORTCULLIS_MASTER_KEY: MASTER_KEY, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/** stdout of a `--json` run, parsed; fails the test with the CLI's stderr when it exited non-zero. */
export function json<T = Record<string, unknown>>(result: RunResult): T {
  if (result.code !== 0) throw new Error(`CLI exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export type TestServer = { url: string; dataDir: string; close(): Promise<void> };

/** A real server on a temp data dir, listening on a free port in this process. */
export async function startServer(): Promise<TestServer> {
  const dataDir = tempDir("data");
  const { store, cipher } = await openDataDir(dataDir, MASTER_KEY);
  const app = await createApp({
    store,
    cipher,
    config: { publicUrl: "http://localhost", keyCacheSize: 1000, keyCacheTtlSeconds: 30 },
    logger: { level: "error" },
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Org = { org: { id: string; name: string }; keyId: string; privateKey: string };

/** `portcullis init --json` on the server's data dir: a fresh org for one test. */
export async function initOrg(server: TestServer, name = "Test org"): Promise<Org> {
  return json<Org>(await runCli(["init", "--data", server.dataDir, "--name", name, "--json"]));
}

/** A CLI runner already pointed at `server` with `apiKey`, as a user with the env variables set. */
export function remote(server: TestServer, apiKey: string) {
  return (args: string[], input?: string) =>
    runCli(args, { PORTCULLIS_URL: server.url, PORTCULLIS_API_KEY: apiKey }, input);
}
