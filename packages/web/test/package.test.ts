import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { publint } from "publint";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const dist = join(root, "packages/web/dist");

/** The files `npm pack` would put in the tarball. */
function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "-w", "@portcullis/web"], {
    cwd: root,
    encoding: "utf8",
  });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
}

describe("npm pack of @portcullis/web", () => {
  beforeAll(() => {
    // Built from the current sources, so the test never checks a stale dist/.
    execFileSync("npm", ["run", "build", "-w", "@portcullis/web"], { cwd: root, stdio: "pipe" });
  }, 120_000);

  it("contains the built ESM, its declarations and the README; no sources, tests or tooling", () => {
    const files = packedFiles();
    for (const needed of ["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/client.js"])
      expect(files).toContain(needed);
    expect(files.filter((f) => /^(src|test|scripts)\/|\.test\.|tsconfig/.test(f))).toEqual([]);
  });

  it("is clean under publint (strict, suggestions included)", async () => {
    const { messages } = await publint({
      pkgDir: join(root, "packages/web"),
      pack: "npm",
      level: "suggestion",
      strict: true,
    });
    expect(messages.map((m) => `${m.type} ${m.code} at ${m.path.join(".")}`)).toEqual([]);
  });

  it("has zero runtime dependencies and no Node built-in: the built files import only each other", () => {
    const manifest = JSON.parse(readFileSync(join(root, "packages/web/package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies).toBeUndefined();
    const jsFiles = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith(".js"));
    const specifiers = jsFiles.flatMap((f) =>
      [...readFileSync(join(dist, f), "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]),
    );
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s?.startsWith("./"))).toEqual([]);
    expect(specifiers.filter((s) => !s?.endsWith(".js"))).toEqual([]);
  });

  it("loads with plain Node by its package name and refuses a private key at construction", () => {
    const script = `
      const { Portcullis } = await import("@portcullis/web");
      try { new Portcullis({ publicKey: "pcsk_${"a".repeat(39)}", baseUrl: "http://127.0.0.1:1" }); console.log("accepted"); }
      catch (error) { console.log(error.code ?? error.name); }`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(out.trim()).toBe("PRIVATE_KEY_IN_BROWSER");
  });
});
