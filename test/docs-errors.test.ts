import { readFileSync } from "node:fs";
import { ERROR_CATALOG } from "@portcullis/core";
import { describe, expect, it } from "vitest";

const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");
const documented = new Map(
  [...doc.matchAll(/^### ([A-Z_]+)\nStatus: (\d{3})\./gm)].map((m) => [m[1] as string, Number(m[2])]),
);

describe("docs/errors.md", () => {
  it.each(Object.entries(ERROR_CATALOG))("documents %s with its status", (code, entry) => {
    expect(documented.get(code)).toBe(entry.status);
  });

  it("documents no code the catalog lacks", () => {
    const extra = [...documented.keys()].filter((code) => !Object.hasOwn(ERROR_CATALOG, code));
    expect(extra).toEqual([]);
  });

  it("has one section per code", () => {
    const headings = [...doc.matchAll(/^### ([A-Z_]+)$/gm)].map((m) => m[1]);
    expect(headings.length).toBe(new Set(headings).size);
    expect(headings.length).toBe(Object.keys(ERROR_CATALOG).length);
  });
});
