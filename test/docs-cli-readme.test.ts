import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../packages/server/test/server-process.ts";
import { fill, ROOT, sample } from "./lib/doc-samples.ts";
import { tempDir } from "./lib/servers.ts";
import { inherited, type ShellResult, type ShellSession, shellSession } from "./lib/shell-session.ts";

/**
 * packages/cli/README.md's blocks, run in order in one shell as a reader pastes them: `portcullis`
 * is the repository's own (node_modules/.bin). The operator block runs on a fresh data directory in
 * place of /var/lib/portcullis, its `serve` line in the background on a free port in place of 8787;
 * the remote block then talks to that server, with each `asst_...`, `key_...` and `pcsk_...` the
 * value an earlier command printed. (The `npm install -g` line is package.test.ts's business.)
 */

const README = "packages/cli/README.md";
const DATA_DIR = "/var/lib/portcullis";

let dataDir: string;
let shell: ShellSession;
let env: Record<string, string>;
let serve: ChildProcess | undefined;
let serveOutput = "";
let serverUrl = "";
let privateKey = "";

beforeAll(() => {
  dataDir = tempDir("docs-cli-readme");
  env = { PATH: `${ROOT}node_modules/.bin:${process.env.PATH}`, NO_COLOR: "1", LOG_LEVEL: "warn" };
  shell = shellSession(env);
});

afterAll(async () => {
  shell?.close();
  if (serve && serve.exitCode === null && serve.signalCode === null) {
    const exited = new Promise((resolve) => serve?.once("exit", resolve));
    serve.kill("SIGTERM");
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** The one `prefix…` ID or key in a command's output (the first, where a view repeats it). */
function printed(prefix: string, output: string): string {
  const found = new RegExp(`\\b${prefix}[\\w-]+`).exec(output)?.[0];
  if (!found) throw new Error(`no ${prefix}… in the output:\n${output}`);
  return found;
}

/** Starts a `portcullis serve …` line as the reader's first terminal would; resolves with its URL. */
function startServe(command: string): Promise<string> {
  serve = spawn("bash", ["-c", `exec ${command}`], { cwd: ROOT, env: { ...inherited(), ...env } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 45 s:\n${serveOutput}`)), 45_000);
    const read = (chunk: Buffer) => {
      serveOutput += chunk;
      const url = /Portcullis listening on (http:\/\/\S+)/.exec(serveOutput)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    serve?.stdout?.on("data", read);
    serve?.stderr?.on("data", read);
    serve?.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${serveOutput}`));
    });
  });
}

describe("packages/cli/README.md, in one terminal", () => {
  it("portcullis --help lists the commands", { timeout: 30_000 }, async () => {
    const help = await shell.run(sample(README, "help").code);
    expect(help.failed).toEqual([]);
    expect(help.stdout).toContain("Usage: portcullis");
    for (const command of ["init", "orgs", "serve", "keys", "assistants", "check", "token", "audit"])
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });

  it("the operator block: init prints the first private key, orgs list shows the org, serve serves it", {
    timeout: 90_000,
  }, async () => {
    const port = await freePort();
    const code = fill(sample(README, "operator").code, { [DATA_DIR]: dataDir, "--port 8787": `--port ${port}` });
    const lines = code.trimEnd().split("\n");
    // serve runs until stopped: the block's last line, started in the background like a second terminal.
    const serveLine = lines.pop() as string;
    expect(serveLine).toMatch(/^portcullis serve /);

    const [init, orgs] = [await shell.run(lines[0] as string), await shell.run(lines.slice(1).join("\n"))];
    expect(init.failed).toEqual([]);
    expect(init.stdout).toContain(`Created org "Acme"`);
    privateKey = printed("pcsk_", init.stdout);
    expect(orgs.failed).toEqual([]);
    expect(orgs.stdout).toMatch(/^org_\w+ +Acme +1 /m);

    serverUrl = await startServe(serveLine);
    expect(serverUrl).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${serverUrl}/health`)).status).toBe(200);
    // "every start print[s] a one-time link to create the org's owner" at /dashboard/.
    expect(serveOutput).toContain(`Open http://localhost:${port}/dashboard/#/setup?token=`);
    // The dashboard route answers (the app, or the page saying how to build it in a fresh clone).
    const dashboard = await fetch(`${serverUrl}/dashboard/`);
    expect([200, 503]).toContain(dashboard.status);
    expect(dashboard.headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("the remote block: each command against that server does what its line says", { timeout: 120_000 }, async () => {
    expect(serverUrl).not.toBe("");
    const block = sample(README, "remote").code;
    const values: Record<string, string> = { "https://portcullis.example.com": serverUrl, "pcsk_...": privateKey };
    const ran: (ShellResult & { line: string })[] = [];
    for (const line of block.split("\n").filter((l) => l.trim() !== "")) {
      const command = Object.entries(values).reduce((out, [from, to]) => out.replaceAll(from, to), line);
      expect(command, `a placeholder no earlier command printed: ${line}`).not.toMatch(/\w_\.\.\./);
      const result = await shell.run(command, 45_000);
      ran.push({ line, ...result });
      if (line.startsWith("portcullis assistants create ")) values["asst_..."] = printed("asst_", result.stdout);
      if (line.startsWith("portcullis keys create ")) {
        values["key_..."] = printed("key_", result.stdout);
        // A page on another origin tries the key, as a reader's site would see it refused.
        const refused = await fetch(`${serverUrl}/call/web`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${printed("pcpk_", result.stdout)}`,
            origin: "https://evil.example",
            "content-type": "application/json",
          },
          body: JSON.stringify({ assistantId: values["asst_..."] }),
        });
        expect(refused.status).toBe(403);
      }
    }
    const asst = values["asst_..."] as string;
    const key = values["key_..."] as string;
    const out = (prefix: string) => {
      const found = ran.find((r) => r.line.startsWith(prefix));
      if (!found) throw new Error(`the block has no line starting ${prefix}`);
      return found;
    };

    // Only the check fails, on purpose: exit 1 for a refusal.
    expect(ran.flatMap((r) => r.failed)).toEqual([expect.stringMatching(/^1 portcullis check /)]);
    expect(ran.flatMap((r) => (r.stderr === "" ? [] : [`${r.line}: ${r.stderr}`]))).toEqual([]);

    expect(out("portcullis assistants create").stdout).toMatch(/^asst_\w+ +"Support"\n +firstMessage +Hi!$/m);
    const created = out("portcullis keys create").stdout;
    expect(created).toMatch(new RegExp(`^${key} +public +"Website"$`, "m"));
    expect(created).toMatch(/^ +origins +https:\/\/app\.example\.com$/m);
    expect(created).toMatch(new RegExp(`^ +assistants +${asst}$`, "m"));
    expect(out("portcullis keys list").stdout).toMatch(new RegExp(`^${key} +public +Website `, "m"));

    const shownDecision = /# (DENY \w+)$/m.exec(block)?.[1];
    expect(shownDecision).toBe("DENY ORIGIN_NOT_ALLOWED");
    expect(out("portcullis check").stdout.split("\n")[0]).toMatch(new RegExp(`^${shownDecision} `));

    const rotated = out("portcullis keys rotate").stdout;
    expect(printed("pcpk_", rotated)).not.toBe(printed("pcpk_", created));
    expect(rotated).toContain("The old value keeps working until");

    const stats = out("portcullis keys stats").stdout;
    expect(stats).toContain(`${key}  last 24h`);
    expect(stats).toMatch(/^ +refused +1$/m);
    expect(out("portcullis audit").stdout).toMatch(
      new RegExp(`call\\.deny +${key} +ORIGIN_NOT_ALLOWED +https://evil\\.example`),
    );

    // token mint: a client token that starts a call for user u_42 from the allowed origin.
    const token = out("portcullis token mint").stdout;
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const call = await fetch(`${serverUrl}/call/web`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        origin: "https://app.example.com",
        "content-type": "application/json",
      },
      body: JSON.stringify({ assistantId: asst }),
    });
    expect(call.status).toBe(201);
    expect(await call.json()).toMatchObject({ status: "queued", userId: "u_42", assistantId: asst });
  });
});
