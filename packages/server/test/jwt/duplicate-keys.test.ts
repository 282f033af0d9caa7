import { describe, expect, it } from "vitest";
import { hasDuplicateKeys } from "../../src/auth/jwt/duplicate-keys.ts";

const many = (n: number, extra = "") => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(",")}${extra}}`;

describe("hasDuplicateKeys", () => {
  it.each([
    ['{"a":1,"a":2}', true],
    ['{"a":1,"b":2}', false],
    ['{"a":1,"\\u0061":2}', true],
    ['{"\\"":1,"\\"":2}', true],
    ['{"a\\\\":1,"a":2}', false],
    ['{"o":{"x":1,"x":2}}', true],
    ['{"o":{"x":1},"p":{"x":1}}', false],
    ['{"l":[{"x":1},{"x":2}]}', false],
    ['{"l":[{"x":1,"x":2}]}', true],
    ['{"l":["a","a"],"a":1}', false],
    ['{"s":"a\\",\\"s\\":1","t":1}', false],
    ['{"s":"{\\"x\\":1,\\"x\\":1}"}', false],
    ['{"a":{"b":[1,{"c":1}],"c":2},"c":3}', false],
    ['{"a":{"b":[1,{"c":1}],"c":2},"a":3}', true],
    ['{"":1,"":2}', true],
    ['{"s":"x\\\\","s":1}', true],
    ['{"k\\\\":1,"k\\\\":2}', true],
    ['{"a\\"b":1,"a":2}', false],
    ['{"a\\"b":1,"a\\"b":2}', true],
    ['{"q":"\\\\\\"","q":0}', true],
    ['{"a":"a","b":"a"}', false],
    ['[{"a":1},{"a":1}]', false],
    [many(40), false],
    [many(40, ',"k39":0'), true],
    [many(40, ',"k0":0'), true],
    [many(9, ',"k3":0'), true],
    ['{"__proto__":1,"__proto__":2}', true],
    ['{"__proto__":{"a":1},"a":2}', false],
    ['{"__proto__":{"a":1,"a":2}}', true],
    ['{"constructor":1,"toString":2}', false],
    ['{"a":[[],{}],"b":{"c":[{"d":{}}]}}', false],
    ['{"a":[[],{}],"b":{"c":[{"d":{},"d":[]}]}}', true],
    ['{"x":"\\\\","y":"]}{","x":1}', true],
  ])("%s → %s", (json, expected) => {
    JSON.parse(json); // the function is only ever given valid JSON
    expect(hasDuplicateKeys(json)).toBe(expected);
  });
});

describe("hasDuplicateKeys on hostile payloads (the size a token allows)", () => {
  const deep = (n: number, inner: string) => `${'{"a":'.repeat(n)}${inner}${"}".repeat(n)}`;
  it.each([
    ["2,000 nested objects", deep(2000, "1"), false],
    ["2,000 nested objects, a repeat at the bottom", deep(2000, '{"b":1,"b":2}'), true],
    ["3,000 nested arrays", `${"[".repeat(3000)}${"]".repeat(3000)}`, false],
    ["1,500 keys", many(1500), false],
    ["1,500 keys, the first repeated last", many(1500, ',"k0":0'), true],
  ])("%s", (_, json, expected) => {
    expect(hasDuplicateKeys(json)).toBe(expected);
    expect(hasDuplicateKeys(json, JSON.parse(json))).toBe(expected);
  });
});
