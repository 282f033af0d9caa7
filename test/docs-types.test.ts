import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT, sample } from "./lib/doc-samples.ts";
import { tempDir } from "./lib/servers.ts";

/**
 * The TypeScript samples compile, strictly, against the packages' own types: a reader who pastes one
 * into a TypeScript project gets no type error. (Other tests run them; running strips the types.)
 */

const SAMPLES = [
  ["packages/node/README.md", "operations"],
  ["packages/web/README.md", "start"],
  ["docs/compatibility.md", "server-sdk"],
] as const;

describe("TypeScript samples type-check", () => {
  it("packages/node/README.md operations, packages/web/README.md start, docs/compatibility.md server-sdk", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir("docs-types");
    const files = SAMPLES.map(([doc, id]) => {
      const file = join(dir, `${doc.replaceAll("/", "-")}-${id}.ts`);
      // Each sample is its own module, as it is in a reader's project.
      writeFileSync(file, `${sample(doc, id).code}\nexport {};\n`);
      return file;
    });
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: join(ROOT, "tsconfig.json"),
        compilerOptions: {
          noEmit: true,
          baseUrl: ROOT,
          paths: {
            "@portcullis/node": ["packages/node/src/index.ts"],
            "@portcullis/web": ["packages/web/src/index.ts"],
          },
        },
        include: files,
      }),
    );
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    const result = await promisify(execFile)(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], {
      cwd: ROOT,
      timeout: 110_000,
    }).then(
      () => "",
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    rmSync(dir, { recursive: true, force: true });
    expect(result).toBe("");
  });
});
