import { describe, expect, it } from "vitest";
import { canonicalizeOriginRules, compileOriginRules, parseRequestOrigin } from "../src/index.ts";

/** Compiles rules the way a key is loaded: canonicalized first, so rule spelling is exercised too. */
function matcher(rules: string[]) {
  const read = canonicalizeOriginRules(rules);
  if (!read.ok) throw new Error(`test rule refused: ${read.rule}: ${read.reason}`);
  return compileOriginRules(read.rules);
}

type Row = [rule: string, origin: string | undefined, allowed: boolean];

const exactRows: Row[] = [
  ["https://app.example.com", "https://app.example.com", true],
  ["https://app.example.com", "https://APP.Example.COM", true],
  ["https://app.example.com", "HTTPS://app.example.com", true],
  ["https://app.example.com", "https://app.example.com:443", true],
  ["HTTPS://APP.EXAMPLE.COM:443/", "https://app.example.com", true],
  ["https://app.example.com", "https://app.example.com:8443", false],
  ["https://app.example.com", "http://app.example.com", false],
  ["http://app.example.com", "https://app.example.com", false],
  ["https://app.example.com", "https://app.example.com:80", false],
  ["https://app.example.com", "https://app.example.com.", false],
  ["https://app.example.com", "https://app.example.com.evil.io", false],
  ["https://app.example.com", "https://a.app.example.com", false],
  ["https://app.example.com", "https://evilapp.example.com", false],
  ["https://app.example.com", "https://app.example.co", false],
  ["https://example.com", "https://evilexample.com", false],
  ["https://example.com", "https://example.com.evil.io", false],
  ["https://example.com", "https://a.example.com", false],
  ["https://app.example.com:8443", "https://app.example.com:8443", true],
  ["https://app.example.com:8443", "https://app.example.com", false],
  ["http://localhost:3000", "http://localhost:3000", true],
  ["http://localhost:3000", "http://localhost:3001", false],
  ["http://localhost:3000", "http://localhost", false],
  ["https://[::1]:8443", "https://[::1]:8443", true],
  // IDN: the rule is stored in punycode; browsers send punycode
  ["https://bücher.example", "https://xn--bcher-kva.example", true],
  ["https://xn--bcher-kva.example", "https://bücher.example", true],
  ["https://bücher.example", "https://bucher.example", false],
];

const malformedRows: Row[] = [
  ["https://app.example.com", undefined, false],
  ["https://app.example.com", "", false],
  ["https://app.example.com", "null", false],
  // Node joins two Origin headers with ", "
  ["https://app.example.com", "https://app.example.com, https://evil.io", false],
  ["https://app.example.com", "https://evil.io, https://app.example.com", false],
  ["https://app.example.com", "https://app.example.com, https://app.example.com", false],
  ["https://app.example.com", "https://app.example.com,https://app.example.com", false],
  ["https://app.example.com", "https://app.example.com/", false],
  ["https://app.example.com", "https://app.example.com/path", false],
  ["https://app.example.com", "https://app.example.com?x", false],
  ["https://app.example.com", "https://app.example.com#x", false],
  ["https://app.example.com", "https://user@app.example.com", false],
  ["https://app.example.com", "https://evil.io\\@app.example.com", false],
  ["https://app.example.com", " https://app.example.com", false],
  ["https://app.example.com", "https://app.example.com ", false],
  ["https://app.example.com", "https://app.exa\tmple.com", false],
  ["https://app.example.com", "https://app.ex%61mple.com", false],
  ["https://app.example.com", "app.example.com", false],
  ["https://app.example.com", "//app.example.com", false],
  ["https://app.example.com", "wss://app.example.com", false],
  ["https://app.example.com", "*", false],
  ["https://app.example.com", `https://${"a".repeat(300)}.app.example.com`, false],
];

const wildcardRows: Row[] = [
  ["https://*.example.com", "https://a.example.com", true],
  ["https://*.example.com", "https://a.b.example.com", true],
  ["https://*.example.com", "https://a.b.c.d.e.example.com", true],
  ["https://*.example.com", "https://A.Example.COM", true],
  ["https://*.example.com", "https://a.example.com:443", true],
  // never the apex
  ["https://*.example.com", "https://example.com", false],
  ["https://*.example.com", "https://.example.com", false],
  ["https://*.example.com", "https://..example.com", false],
  // never a look-alike
  ["https://*.example.com", "https://evilexample.com", false],
  ["https://*.example.com", "https://a.evilexample.com", false],
  ["https://*.example.com", "https://a.example.com.evil.io", false],
  ["https://*.example.com", "https://example.com.evil.io", false],
  ["https://*.example.com", "https://a.example.com.", false],
  ["https://*.example.com", "https://%2A.example.com", false],
  ["https://*.example.com", "https://\uff0a.example.com", false],
  ["https://*.example.com", "https://a.example.com, https://b.example.com", false],
  ["https://*.example.com", "null", false],
  ["https://*.example.com", undefined, false],
  // scheme and port must match
  ["https://*.example.com", "http://a.example.com", false],
  ["http://*.example.com", "https://a.example.com", false],
  ["http://*.example.com", "http://a.example.com", true],
  ["https://*.example.com", "https://a.example.com:8443", false],
  ["https://*.example.com:8443", "https://a.example.com:8443", true],
  ["https://*.example.com:8443", "https://a.example.com", false],
  ["https://*.example.com:8443", "https://a.example.com:443", false],
  ["https://*.example.com:8443", "https://a.example.com:8444", false],
  ["https://*.bücher.example", "https://shop.xn--bcher-kva.example", true],
  ["https://*.bücher.example", "https://xn--bcher-kva.example", false],
  // *.localhost: loopback names (RFC 6761), with the port and scheme of the rule, never localhost itself
  ["http://*.localhost:3000", "http://app.localhost:3000", true],
  ["http://*.localhost:3000", "http://a.b.localhost:3000", true],
  ["http://*.localhost:3000", "http://App.LOCALHOST:3000", true],
  ["http://*.localhost:3000", "http://localhost:3000", false],
  ["http://*.localhost:3000", "http://app.localhost:5173", false],
  ["http://*.localhost:3000", "http://app.localhost", false],
  ["http://*.localhost:3000", "https://app.localhost:3000", false],
  ["http://*.localhost:3000", "http://applocalhost:3000", false],
  ["http://*.localhost:3000", "http://app.localhost.evil.io:3000", false],
  ["http://*.localhost:3000", "http://app.localhost.:3000", false],
  ["http://*.localhost:3000", "http://127.0.0.1:3000", false],
  ["http://*.localhost", "http://app.localhost", true],
  ["http://*.localhost", "http://app.localhost:3000", false],
];

describe("compileOriginRules", () => {
  it.each(exactRows)("exact rule %s, Origin %j → %s", (rule, origin, allowed) => {
    expect(matcher([rule])(origin)).toBe(allowed);
  });

  it.each(malformedRows)("rule %s, malformed Origin %j → %s", (rule, origin, allowed) => {
    expect(matcher([rule])(origin)).toBe(allowed);
  });

  it.each(wildcardRows)("wildcard rule %s, Origin %j → %s", (rule, origin, allowed) => {
    expect(matcher([rule])(origin)).toBe(allowed);
  });

  it.each([
    ["https://app.example.com", true],
    ["https://a.b.partner.io", true],
    ["https://partner.io", false],
    ["http://localhost:5173", true],
    ["https://other.example.com", false],
  ])("a mixed rule list answers %s → %s", (origin, allowed) => {
    const allowOrigin = matcher(["https://app.example.com", "https://*.partner.io", "http://localhost:5173"]);
    expect(allowOrigin(origin)).toBe(allowed);
  });

  it.each(["https://app.example.com", "null", "", undefined])("an empty rule list allows nothing: %j", (origin) => {
    expect(compileOriginRules([])(origin)).toBe(false);
  });
});

describe("parseRequestOrigin", () => {
  it.each([
    [
      "https://app.example.com",
      { scheme: "https:", host: "app.example.com", port: "", serialized: "https://app.example.com" },
    ],
    [
      "HTTPS://App.Example.com:443",
      { scheme: "https:", host: "app.example.com", port: "", serialized: "https://app.example.com" },
    ],
    [
      "http://localhost:3000",
      { scheme: "http:", host: "localhost", port: "3000", serialized: "http://localhost:3000" },
    ],
    [
      "https://bücher.example",
      { scheme: "https:", host: "xn--bcher-kva.example", port: "", serialized: "https://xn--bcher-kva.example" },
    ],
  ])("reads %j", (value, parsed) => {
    expect(parseRequestOrigin(value)).toEqual(parsed);
  });

  it.each([
    undefined,
    "",
    "null",
    "https://a.example.com, https://b.example.com",
    "https://a.example.com/",
    "https://a.example.com.",
    "https://..example.com",
    "https://user:pw@a.example.com",
    "file:///etc/passwd",
    "ws://a.example.com",
    "https://",
    "https://a.example.com:99999",
  ])("refuses %j", (value) => {
    expect(parseRequestOrigin(value)).toBeUndefined();
  });
});
