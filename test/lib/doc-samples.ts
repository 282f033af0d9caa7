import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The repository root, for paths like "docs/jwt.md". */
export const ROOT = new URL("../..", import.meta.url).pathname;

/**
 * One fenced code block of a Markdown file. The info string after the fence is the language, then
 * attributes: `test="id"` (a test runs this block and finds it by id), `output` (text a sample prints;
 * a test compares it where it can) or `norun="why"` (cannot run in a test, with the reason).
 */
export type DocSample = {
  doc: string;
  lang: string;
  id: string | undefined;
  attributes: Record<string, string>;
  code: string;
  line: number;
};

// CommonMark: a fence may be indented (inside a list item); the block's lines lose that indentation.
const OPENING = /^( *)(`{3,})([^`]*)$/;
const ATTRIBUTE = /(\w+)(?:="([^"]*)")?/g;

function parseInfo(info: string): { lang: string; attributes: Record<string, string> } {
  const [lang = "", ...rest] = info.trim().split(/\s+/);
  const attributes: Record<string, string> = {};
  for (const attribute of rest.join(" ").matchAll(ATTRIBUTE)) attributes[attribute[1] as string] = attribute[2] ?? "";
  return { lang, attributes };
}

/** Every fenced block of a Markdown file (path relative to the repository root). */
export function readSamples(doc: string): DocSample[] {
  const lines = readFileSync(join(ROOT, doc), "utf8").split("\n");
  const samples: DocSample[] = [];
  for (let at = 0; at < lines.length; at++) {
    const opening = OPENING.exec(lines[at] as string);
    if (!opening) continue;
    const indent = (opening[1] as string).length;
    const fence = opening[2] as string;
    const closing = new RegExp(`^ *${fence}\`*[ \\t]*$`);
    const body: string[] = [];
    let end = at + 1;
    while (end < lines.length && !closing.test(lines[end] as string)) {
      const line = lines[end] as string;
      body.push(line.slice(Math.min(indent, line.length - line.trimStart().length)));
      end++;
    }
    const { lang, attributes } = parseInfo(opening[3] as string);
    samples.push({
      doc,
      lang,
      id: attributes.test,
      attributes,
      code: body.length > 0 ? `${body.join("\n")}\n` : "",
      line: at + 1,
    });
    at = end;
  }
  return samples;
}

/** The block marked `test="id"` in a Markdown file; throws when there is none, so a renamed sample fails its test. */
export function sample(doc: string, id: string): DocSample {
  const found = readSamples(doc).filter((s) => s.id === id);
  if (found.length !== 1)
    throw new Error(`${doc} should have exactly one block marked test="${id}", has ${found.length}`);
  return found[0] as DocSample;
}

/**
 * The sample's code with each documented placeholder replaced (e.g. `"asst_…"` by a real ID). Throws
 * when a placeholder is missing, so a doc edit that drops one fails the test instead of silently
 * running something else.
 */
export function fill(code: string, values: Record<string, string>): string {
  let out = code;
  for (const [placeholder, value] of Object.entries(values)) {
    if (!out.includes(placeholder)) throw new Error(`the sample has no ${placeholder} to fill in:\n${code}`);
    out = out.replaceAll(placeholder, value);
  }
  return out;
}

const markdownIn = (dir: string): string[] =>
  readdirSync(join(ROOT, dir))
    .filter((name) => name.endsWith(".md"))
    .map((name) => (dir === "." ? name : `${dir}/${name}`));

const readmesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(join(ROOT, dir, entry.name)).includes("README.md"))
    .map((entry) => `${dir}/${entry.name}/README.md`);

/** Every Markdown file whose samples must be run or marked: the README, the guides, package and example READMEs, the benchmark's. */
export function documentedFiles(): string[] {
  return [
    "README.md",
    ...markdownIn("docs"),
    ...readmesUnder("packages"),
    ...readmesUnder("examples"),
    "bench/README.md",
  ].sort();
}
