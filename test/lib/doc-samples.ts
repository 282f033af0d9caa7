import { readFileSync } from "node:fs";
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

const FENCE = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
const ATTRIBUTE = /(\w+)(?:="([^"]*)")?/g;

/** Every fenced block of a Markdown file (path relative to the repository root). */
export function readSamples(doc: string): DocSample[] {
  const text = readFileSync(join(ROOT, doc), "utf8");
  return [...text.matchAll(FENCE)].map((match) => {
    const info = (match[1] ?? "").trim();
    const [lang = "", ...rest] = info.split(/\s+/);
    const attributes: Record<string, string> = {};
    for (const attribute of rest.join(" ").matchAll(ATTRIBUTE)) attributes[attribute[1] as string] = attribute[2] ?? "";
    return {
      doc,
      lang,
      id: attributes.test,
      attributes,
      code: match[2] ?? "",
      line: text.slice(0, match.index).split("\n").length,
    };
  });
}

/** The block marked `test="id"` in a Markdown file; throws when there is none, so a renamed sample fails its test. */
export function sample(doc: string, id: string): DocSample {
  const found = readSamples(doc).filter((s) => s.id === id);
  if (found.length !== 1)
    throw new Error(`${doc} should have exactly one block marked test="${id}", has ${found.length}`);
  return found[0] as DocSample;
}
