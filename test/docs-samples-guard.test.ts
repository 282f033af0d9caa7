import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type DocSample, documentedFiles, ROOT, readSamples } from "./lib/doc-samples.ts";

/**
 * Every fenced block in the documentation is either run by a test (`test="id"`, and some test names
 * the doc and the id), or is a program's `output`, or says why it cannot run (`norun="…"`), or is a
 * `text` diagram. A sample added without one of these fails here, naming its file and line.
 */

const testFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => join(dir, name));

const subdirs = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${dir}/${entry.name}/test`)
    .filter((test) => {
      try {
        return readdirSync(join(ROOT, test)).length > 0;
      } catch {
        return false;
      }
    });

// Comments are skipped (an apostrophe in one is no quote); a template literal is taken whole.
const TOKEN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g;

const GUARD = relative(ROOT, fileURLToPath(import.meta.url));
/** Each test file (but this one, whose own examples name a doc) with its string literals; a doc is named by its root-relative path or a path relative to the test. */
const tests = ["test", ...subdirs("packages"), ...subdirs("examples")]
  .flatMap(testFiles)
  .filter((file) => file !== GUARD)
  .map((file) => {
    const literals = new Set(
      [...readFileSync(join(ROOT, file), "utf8").matchAll(TOKEN)].flatMap((m) => {
        const literal = m[1] ?? m[2] ?? m[3];
        return literal === undefined ? [] : [literal];
      }),
    );
    const docs = new Set(
      [...literals]
        .filter((literal) => literal.endsWith(".md"))
        .flatMap((literal) => [literal, relative(ROOT, resolve(ROOT, dirname(file), literal))]),
    );
    return { file, literals, docs };
  });

const where = (s: DocSample) => `${s.doc}:${s.line}`;

function problemsOf(s: DocSample): string[] {
  const { test, output, norun } = s.attributes;
  if (test !== undefined) {
    if (!/^[\w-]+$/.test(test)) return [`${where(s)}: test="${test}" should be a plain id (letters, digits, - and _)`];
    const runners = tests.filter((t) => t.docs.has(s.doc) && t.literals.has(test));
    return runners.length > 0
      ? []
      : [`${where(s)}: test="${test}" is run by no test (no *.test.ts names both "${s.doc}" and "${test}")`];
  }
  if (output !== undefined || s.lang === "text") return [];
  if (norun !== undefined)
    return norun.trim() === "" ? [`${where(s)}: norun needs a reason: norun="why it cannot run in a test"`] : [];
  return [`${where(s)}: a \`${s.lang || "(no language)"}\` block with no test="id", output, norun="why" or text`];
}

const docs = documentedFiles();

describe("every code sample in the docs is run by a test, or says why not", () => {
  it("finds the documentation", () => {
    expect(docs).toEqual(
      expect.arrayContaining(["README.md", "docs/jwt.md", "packages/web/README.md", "bench/README.md"]),
    );
  });

  it.each(docs)("%s: every block is tested, output, text or norun with a reason", (doc) => {
    expect(readSamples(doc).flatMap(problemsOf)).toEqual([]);
  });

  it("refuses what it should, naming the file and line (an indented fence too)", () => {
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    const doc = ".tmp/docs-samples-guard.md";
    const blocks = [
      "```sh\nnpm start\n```",
      '```sh norun=""\nnpm start\n```',
      '```js test="nobody-runs-this"\n1;\n```',
      "- a list item:\n  ```json\n  {}\n  ```",
      '```sh norun="a reason"\nok\n```\n```text\na -> b\n```\n```json output\n{}\n```',
    ];
    writeFileSync(join(ROOT, doc), `# Title\n\n${blocks.join("\n\n")}\n`);
    expect(readSamples(doc).flatMap(problemsOf)).toEqual([
      `${doc}:3: a \`sh\` block with no test="id", output, norun="why" or text`,
      `${doc}:7: norun needs a reason: norun="why it cannot run in a test"`,
      `${doc}:11: test="nobody-runs-this" is run by no test (no *.test.ts names both "${doc}" and "nobody-runs-this")`,
      `${doc}:16: a \`json\` block with no test="id", output, norun="why" or text`,
    ]);
    expect(readSamples(doc)[3]?.code).toBe("{}\n");
  });

  it.each(docs)("%s: test ids are unique", (doc) => {
    const ids = readSamples(doc).flatMap((s) => (s.id === undefined ? [] : [s.id]));
    expect(ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `${doc}: test="${id}" is used twice`)).toEqual([]);
  });
});
