import { describe, expect, it } from "vitest";
import { encodeBase62, ID_PREFIXES, type IdKind, isBase62, isId, newId } from "../src/index.ts";

const KINDS = Object.keys(ID_PREFIXES) as IdKind[];

describe("ID_PREFIXES", () => {
  it("gives every kind its own prefix, none a prefix of another", () => {
    const prefixes = Object.values(ID_PREFIXES);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const a of prefixes)
      for (const b of prefixes) if (a !== b) expect(a.startsWith(b), `${a} starts with ${b}`).toBe(false);
  });

  it.each(Object.entries(ID_PREFIXES))("%s → %s ends with an underscore", (_kind, prefix) => {
    expect(prefix).toMatch(/^[a-z]+_$/);
  });

  it.each([
    ["org", "org_"],
    ["key", "key_"],
    ["assistant", "asst_"],
    ["call", "call_"],
    ["request", "req_"],
  ] as const)("the design's %s prefix is %s", (kind, prefix) => {
    expect(ID_PREFIXES[kind]).toBe(prefix);
  });
});

describe("newId / isId", () => {
  it.each(KINDS)("a new %s ID has its prefix, 17 base62 characters and passes isId", (kind) => {
    const id = newId(kind);
    expect(id).toBe(`${ID_PREFIXES[kind]}${id.slice(ID_PREFIXES[kind].length)}`);
    expect(id.slice(ID_PREFIXES[kind].length)).toMatch(/^[0-9A-Za-z]{17}$/);
    expect(isId(kind, id)).toBe(true);
  });

  it.each(KINDS)("a new %s ID is not an ID of any other kind", (kind) => {
    const id = newId(kind);
    for (const other of KINDS) if (other !== kind) expect(isId(other, id)).toBe(false);
  });

  it("does not repeat", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId("call")));
    expect(ids.size).toBe(1000);
  });

  it.each([
    ["assistant", ""],
    ["assistant", "asst_"],
    ["assistant", "asst"],
    ["assistant", "ASST_abc"],
    ["assistant", "asst_abc-def"],
    ["assistant", "asst_abc def"],
    ["assistant", "asst_../../etc"],
    ["assistant", "asst_abc\n"],
    ["assistant", `asst_${"a".repeat(65)}`],
    ["assistant", "org_abc"],
    ["org", "asst_abc"],
  ] as const)("isId(%s, %j) is false", (kind, value) => {
    expect(isId(kind, value)).toBe(false);
  });

  it("accepts a body of 64 characters, the longest allowed", () => {
    expect(isId("assistant", `asst_${"a".repeat(64)}`)).toBe(true);
  });
});

describe("base62", () => {
  it.each([
    [[], 3, "000"],
    [[0], 1, "0"],
    [[61], 1, "z"],
    [[62], 2, "10"],
    [[255], 3, "047"],
    [[1, 0], 1, "48"],
    [[255, 255, 255, 255], 6, "4gfFC3"],
  ])("encodeBase62(%j, %i) = %s", (bytes, width, expected) => {
    expect(encodeBase62(new Uint8Array(bytes), width)).toBe(expected);
  });

  it.each([
    ["", true],
    ["0aZ", true],
    ["a-b", false],
    ["a_b", false],
    ["a b", false],
    ["é", false],
  ])("isBase62(%j) = %s", (value, expected) => {
    expect(isBase62(value)).toBe(expected);
  });
});
