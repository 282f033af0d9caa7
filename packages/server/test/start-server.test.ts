import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, type RunningServer, startServer } from "../src/index.ts";

const dirs: string[] = [];
const tempDir = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `portcullis-${label}-`));
  dirs.push(dir);
  return dir;
};
let server: RunningServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("PORTCULLIS_DASHBOARD_DIR", () => {
  it("is unset by default, so createApp keeps its own default (packages/dashboard/dist)", () => {
    expect(loadConfig({}).dashboardDir).toBeUndefined();
  });

  it("resolves a relative directory against the working directory", () => {
    expect(loadConfig({ PORTCULLIS_DASHBOARD_DIR: "." }).dashboardDir).toBe(process.cwd());
  });

  it.each(["missing", "a file"])("refuses a path that is %s at start, naming the variable", (kind) => {
    const path = join(tempDir("dash"), "index.html");
    if (kind === "a file") writeFileSync(path, "");
    expect(() => loadConfig({ PORTCULLIS_DASHBOARD_DIR: path })).toThrow(ConfigError);
    expect(() => loadConfig({ PORTCULLIS_DASHBOARD_DIR: path })).toThrow(
      /^PORTCULLIS_DASHBOARD_DIR=.*expected an existing directory/,
    );
  });
});

describe("startServer", () => {
  it("reads its settings from the env it is given, listens, and serves the dashboard directory set there", async () => {
    const dashboard = tempDir("dash");
    writeFileSync(join(dashboard, "index.html"), "<!doctype html><title>the dashboard under test</title>");
    const dataDir = tempDir("data");
    const lines: string[] = [];
    server = await startServer({
      env: {
        PORT: "0",
        PORTCULLIS_DATA_DIR: dataDir,
        PORTCULLIS_MASTER_KEY: randomBytes(32).toString("hex"),
        PORTCULLIS_DASHBOARD_DIR: dashboard,
        LOG_LEVEL: "silent",
      },
      print: (line) => lines.push(line),
    });

    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
    expect(lines[0]).toBe(`Portcullis listening on ${server.url} (data: ${join(dataDir, "portcullis.sqlite")})`);
    expect(lines.join("\n")).toContain(`npx portcullis init --data ${dataDir}`);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const page = await fetch(`${server.url}/dashboard/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("the dashboard under test");
  });

  it("refuses a bad setting with a ConfigError before opening anything", async () => {
    const dataDir = join(tempDir("data"), "never-created");
    await expect(startServer({ env: { PORT: "eighty", PORTCULLIS_DATA_DIR: dataDir } })).rejects.toThrow(ConfigError);
    expect(existsSync(dataDir)).toBe(false);
  });
});
