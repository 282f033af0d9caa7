import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { publint } from "publint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// What a user gets from `npm install -g @portcullis/cli`: the packed tarball, extracted into a
// node_modules outside the repository, next to links to the declared dependencies and nothing else.
// No ancestor node_modules holds the workspace packages, so only what dist/ bundles can make it run.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MANIFEST = JSON.parse(readFileSync(join(ROOT, "packages/cli/package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
};
const DEPENDENCIES = Object.keys(MANIFEST.dependencies);

/** "kysely/helpers/sqlite" → "kysely"; "@fastify/static" stays whole. */
const packageName = (specifier: string) => specifier.split("/", specifier.startsWith("@") ? 2 : 1).join("/");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** The specifiers of every static and dynamic import in esbuild's output (one import statement per line start). */
function importsOf(code: string): string[] {
  const staticImports = [...code.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"|^import\s*"([^"]+)"/gm)];
  const dynamicImports = [...code.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)];
  return [...staticImports, ...dynamicImports].map((match) => match[1] ?? match[2] ?? "");
}

let scratch: string;
let prefix: string;
let installed: string;
let env: Record<string, string>;

beforeAll(async () => {
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  scratch = mkdtempSync(join(ROOT, ".tmp", "cli-package-"));
  // prepack builds dist/ from the current sources, so the test never checks a stale build.
  await run("npm", ["pack", "-w", "@portcullis/cli", "--pack-destination", scratch], { cwd: ROOT });
  const tarball = readdirSync(scratch).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball to ${scratch}`);

  prefix = mkdtempSync(join(tmpdir(), "portcullis-cli-installed-"));
  installed = join(prefix, "node_modules/@portcullis/cli");
  mkdirSync(installed, { recursive: true });
  await run("tar", ["-xzf", join(scratch, tarball), "--strip-components=1", "-C", installed]);
  // Node follows each link to the package's real directory, where the package's own dependencies resolve.
  for (const name of DEPENDENCIES) {
    mkdirSync(dirname(join(prefix, "node_modules", name)), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", name), join(prefix, "node_modules", name), "dir");
  }
  const inherited = Object.entries(process.env).filter(
    ([name]) => !/^PORTCULLIS_|^PORT$|^HOST$|^LOG_LEVEL$|^NODE_PATH$|^NODE_OPTIONS$/.test(name),
  );
  env = { ...(Object.fromEntries(inherited) as Record<string, string>), NO_COLOR: "1" };
}, 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

const bin = () => join(installed, "bin/portcullis.js");

/** Runs the installed bin from the install prefix, outside the repository. */
async function portcullis(args: string[], extra: Record<string, string> = {}) {
  return run(process.execPath, [bin(), ...args], { cwd: prefix, env: { ...env, ...extra } });
}

describe("the packed @portcullis/cli", () => {
  it("holds the bin, the built dist/ with the dashboard, and the README, and no sources or tests", () => {
    const files = filesUnder(installed);
    expect(files).toContain("bin/portcullis.js");
    expect(files).toContain("dist/main.js");
    expect(files).toContain("dist/dashboard/index.html");
    expect(files).toContain("README.md");
    const unexpected = files.filter(
      (file) => !file.startsWith("dist/") && !["bin/portcullis.js", "README.md", "package.json"].includes(file),
    );
    expect(unexpected).toEqual([]);
    expect(files.filter((file) => file.endsWith(".ts"))).toEqual([]);
  });

  it("imports exactly its declared dependencies and Node built-ins; no workspace package is left", () => {
    const dist = join(installed, "dist");
    // dist/dashboard/ is the browser app the server sends, self-contained; Node never imports it.
    const specifiers = filesUnder(dist)
      .filter((file) => file.endsWith(".js") && !file.startsWith("dashboard/"))
      .flatMap((file) => importsOf(readFileSync(join(dist, file), "utf8")));
    const bare = specifiers.filter((specifier) => !specifier.startsWith("."));
    expect(bare.length).toBeGreaterThan(0);
    expect(bare.filter((specifier) => specifier.startsWith("@portcullis/"))).toEqual([]);
    const packages = new Set(
      bare.filter((s) => !s.startsWith("node:") && !builtinModules.includes(packageName(s))).map(packageName),
    );
    expect([...packages].sort()).toEqual([...DEPENDENCIES].sort());
  });

  it("is clean under publint (strict, suggestions included)", async () => {
    const { messages } = await publint({ pkgDir: installed, level: "suggestion", strict: true });
    expect(messages.map((m) => `${m.type} ${m.code} at ${m.path.join(".")}`)).toEqual([]);
  });

  it("declares each dependency with the range of the workspace package it comes from", () => {
    const declared = ["core", "server"].map(
      (name) =>
        JSON.parse(readFileSync(join(ROOT, "packages", name, "package.json"), "utf8")).dependencies as Record<
          string,
          string
        >,
    );
    for (const [name, range] of Object.entries(MANIFEST.dependencies)) {
      const source = declared.find((dependencies) => dependencies[name] !== undefined);
      // commander is the CLI's own; the rest must move with the server and core.
      if (source) expect({ name, range }).toEqual({ name, range: source[name] });
    }
  });

  it("runs --version and --help from dist/", async () => {
    expect((await portcullis(["--version"])).stdout.trim()).toBe(MANIFEST.version);
    const help = (await portcullis(["--help"])).stdout;
    expect(help).toContain("Usage: portcullis");
    expect(help).toContain("keys");
  });

  it("creates an org with init, serves it with its dashboard, and lists its keys over the API", async () => {
    const data = join(prefix, "data");
    const masterKey = { PORTCULLIS_MASTER_KEY: randomBytes(32).toString("hex") };
    const init = JSON.parse((await portcullis(["init", "--data", data, "--json"], masterKey)).stdout) as {
      keyId: string;
      privateKey: string;
    };
    expect(init.privateKey).toMatch(/^pcsk_/);

    const server = spawn(process.execPath, [bin(), "serve", "--data", data, "--port", "0", "--host", "127.0.0.1"], {
      cwd: prefix,
      env: { ...env, ...masterKey, LOG_LEVEL: "error" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = "";
        const onData = (chunk: Buffer) => {
          output += chunk;
          const match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
          if (match?.[1]) resolve(match[1]);
        };
        server.stdout.on("data", onData);
        server.stderr.on("data", onData);
        server.on("exit", (code) => reject(new Error(`serve exited ${code}: ${output}`)));
      });
      const { stdout } = await portcullis(["keys", "list", "--json"], {
        PORTCULLIS_URL: url,
        PORTCULLIS_API_KEY: init.privateKey,
      });
      const keys = JSON.parse(stdout) as { id: string; tag: string }[];
      expect(keys).toEqual([expect.objectContaining({ id: init.keyId, tag: "private" })]);

      // The app itself, not the "dashboard is not built" page (a 503).
      const dashboard = await fetch(`${url}/dashboard/`);
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toMatch(/src="\/dashboard\/assets\/index-[\w-]+\.js"/);
    } finally {
      server.kill("SIGTERM");
    }
  });
});
