import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { publint } from "publint";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The files `npm pack` would put in the tarball of a workspace. */
function packedFiles(workspace: string): string[] {
  const out = execFileSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts", "-w", workspace], {
    cwd: root,
    encoding: "utf8",
  });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  return (pack?.files ?? []).map((f) => f.path).sort();
}

async function lint(dir: string) {
  const { messages } = await publint({ pkgDir: resolve(root, dir), pack: "npm", level: "suggestion", strict: true });
  return messages.map((m) => `${m.type} ${m.code} at ${m.path.join(".")}`);
}

describe("npm pack of @portcullis/node", () => {
  beforeAll(() => {
    execFileSync(npm, ["run", "build", "-w", "@portcullis/node"], { cwd: root, stdio: "pipe" });
  }, 120_000);

  it("contains the built ESM, its declarations, the sources they map to and the README; no tests or tooling", () => {
    const files = packedFiles("@portcullis/node");
    for (const needed of [
      "package.json",
      "README.md",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/admin-client.js",
      "dist/create-client-token.js",
      "dist/generated/api-types.d.ts",
      "src/index.ts",
    ])
      expect(files).toContain(needed);
    expect(files.filter((f) => /^(test|scripts)\/|\.test\.|tsconfig/.test(f))).toEqual([]);
  });

  it("is clean under publint (strict, suggestions included)", async () => {
    expect(await lint("packages/node")).toEqual([]);
  });

  it("has no runtime dependencies: the built files import only themselves and node: builtins", () => {
    const manifest = JSON.parse(readFileSync(join(root, "packages/node/package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies).toBeUndefined();
    const dist = join(root, "packages/node/dist");
    const jsFiles = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith(".js"));
    const specifiers = jsFiles.flatMap((f) =>
      [...readFileSync(join(dist, f), "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]),
    );
    expect(specifiers.filter((s) => !s?.startsWith(".") && !s?.startsWith("node:"))).toEqual([]);
    // Relative imports were rewritten to the emitted .js files.
    expect(specifiers.filter((s) => s?.endsWith(".ts"))).toEqual([]);
  });

  it("loads with plain Node (no TypeScript loader) by its package name", () => {
    const script = `
      const { createClientToken, PortcullisAdmin, PortcullisApiError } = await import("@portcullis/node");
      const token = createClientToken({ privateKey: "pcsk_x", orgId: "org_1" });
      new PortcullisAdmin({ apiKey: "pcsk_x", baseUrl: "http://127.0.0.1:1" });
      console.log(token.split(".").length, typeof PortcullisApiError);`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(out.trim()).toBe("3 function");
  });
});

/** A consumer's TypeScript, compiled against the built declarations only (no paths, no source condition). */
const CONSUMER = `import { createClientToken, PortcullisAdmin, PortcullisApiError, type Assistant, type Operations } from "@portcullis/node";
const admin = new PortcullisAdmin({ apiKey: "pcsk_x", baseUrl: "http://localhost:8787" });
export async function main(): Promise<string> {
  const assistant: Assistant = await admin.assistants.create({ name: "Support" });
  const key = await admin.tokens.create({ tag: "public", restrictions: { allowedOrigins: ["https://app.example.com"] } });
  const query: Operations["GET /audit"]["query"] = { event: "call.deny" };
  // @ts-expect-error: the tag is "private" or "public"
  await admin.tokens.create({ tag: "secret" });
  try {
    await admin.org.get();
  } catch (error) {
    if (error instanceof PortcullisApiError) return error.code;
  }
  const token = createClientToken({ privateKey: "pcsk_x", orgId: "org_1" });
  return token + assistant.id + String(key.restrictions.allowedOrigins) + JSON.stringify(query);
}
`;

describe("the built types, as a consumer compiles them", () => {
  it.each([
    ["with @types/node", { types: ["node"], lib: ["ES2022"] }],
    ["without @types/node (DOM lib for fetch)", { types: [], lib: ["ES2022", "DOM"] }],
  ])(
    "type-check %s",
    (_name, options) => {
      const dir = join(root, ".tmp", `node-consumer-${options.types.length}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "app.ts"), CONSUMER);
      const compilerOptions = {
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        strict: true,
        noEmit: true,
      };
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({ compilerOptions: { ...compilerOptions, ...options }, files: ["app.ts"] }),
      );
      const tsc = join(root, "node_modules/typescript/bin/tsc");
      // Throws with the compiler's errors in the message when the declarations do not type-check.
      execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { cwd: dir, encoding: "utf8" });
    },
    60_000,
  );
});

describe("npm pack of @portcullis/cli", () => {
  // The CLI ships dist/, built on pack (not here: --ignore-scripts); packages/cli/test/package.test.ts
  // packs it for real and runs it.
  it("contains the bin (executable, with a shebang); no sources, no tests", () => {
    const files = packedFiles("@portcullis/cli");
    expect(files).toContain("bin/portcullis.js");
    expect(files).toContain("package.json");
    expect(files.filter((f) => /^src\/|^test\/|\.test\.|\.ts$/.test(f))).toEqual([]);
    const bin = join(root, "packages/cli/bin/portcullis.js");
    expect(readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
  });

  it("is clean under publint (strict, suggestions included)", async () => {
    expect(await lint("packages/cli")).toEqual([]);
  });
});
