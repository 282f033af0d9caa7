import { describe, expect, it } from "vitest";
import { canonicalizeOriginRule, canonicalizeOriginRules, MAX_ORIGIN_RULES } from "../src/index.ts";

/** A valid rule of exactly `length` characters (labels stay under DNS's 63). */
function ruleOfLength(length: number): string {
  const rule = `https://${"a".repeat(length - 266)}.${`${"b".repeat(40)}.`.repeat(6)}example.com`;
  if (rule.length !== length) throw new Error("ruleOfLength: bad arithmetic");
  return rule;
}

describe("canonicalizeOriginRule: accepted rules and their canonical form", () => {
  it.each([
    ["https://app.example.com", "https://app.example.com", false],
    ["http://localhost:3000", "http://localhost:3000", false],
    ["HTTPS://App.Example.COM", "https://app.example.com", false],
    ["https://app.example.com/", "https://app.example.com", false],
    // explicit default port is dropped; any other port is kept
    ["https://app.example.com:443", "https://app.example.com", false],
    ["http://app.example.com:80", "http://app.example.com", false],
    ["https://app.example.com:80", "https://app.example.com:80", false],
    ["http://app.example.com:443", "http://app.example.com:443", false],
    ["https://app.example.com:8443", "https://app.example.com:8443", false],
    // IDN: the URL standard turns the host into punycode, as browsers send it
    ["https://bücher.example", "https://xn--bcher-kva.example", false],
    ["https://BÜCHER.example", "https://xn--bcher-kva.example", false],
    ["https://xn--bcher-kva.example", "https://xn--bcher-kva.example", false],
    ["https://127.0.0.1:8080", "https://127.0.0.1:8080", false],
    ["https://[::1]:8443", "https://[::1]:8443", false],
    ["https://*.example.com", "https://*.example.com", true],
    ["HTTPS://*.Example.COM", "https://*.example.com", true],
    ["https://*.example.com:443", "https://*.example.com", true],
    ["https://*.example.com:8443", "https://*.example.com:8443", true],
    ["http://*.example.com", "http://*.example.com", true],
    ["https://*.bücher.example", "https://*.xn--bcher-kva.example", true],
    // a registrable name under a private suffix is the customer's own domain
    ["https://*.myapp.vercel.app", "https://*.myapp.vercel.app", true],
    ["https://*.example.co.uk", "https://*.example.co.uk", true],
    // RFC 6761: every name under localhost is the visitor's own machine, never someone else's site
    ["http://*.localhost:3000", "http://*.localhost:3000", true],
    ["HTTP://*.LocalHost:3000/", "http://*.localhost:3000", true],
    ["https://*.localhost", "https://*.localhost", true],
    ["http://*.localhost:80", "http://*.localhost", true],
    ["http://*.app.localhost:3000", "http://*.app.localhost:3000", true],
    // a registrable domain that only starts with "localhost" is an ordinary domain
    ["https://*.localhost.example.com", "https://*.localhost.example.com", true],
  ])("%s → %s", (rule, canonical, wildcard) => {
    expect(canonicalizeOriginRule(rule)).toEqual({ ok: true, canonical, wildcard });
  });
});

describe("canonicalizeOriginRule: refused rules", () => {
  it.each([
    // not an origin
    ["empty", ""],
    ["bare *", "*"],
    ["null", "null"],
    ["NULL", "NULL"],
    ["no scheme", "app.example.com"],
    ["scheme-relative", "//app.example.com"],
    ["no host", "https://"],
    // paths, query, fragment, credentials
    ["path", "https://app.example.com/app"],
    ["path after port", "https://app.example.com:8443/x"],
    ["backslash path (URL parser reads it as /)", "https://app.example.com\\app"],
    ["query", "https://app.example.com?a=1"],
    ["empty query", "https://app.example.com/?"],
    ["fragment", "https://app.example.com#top"],
    ["credentials", "https://user:pass@app.example.com"],
    ["user only", "https://user@app.example.com"],
    // schemes other than http(s)
    ["ws", "ws://app.example.com"],
    ["wss", "wss://app.example.com"],
    ["ftp", "ftp://app.example.com"],
    ["file", "file:///etc/passwd"],
    ["chrome-extension", "chrome-extension://abcdefghijklmnop"],
    ["javascript", "javascript:alert(1)"],
    ["data", "data:text/html,hi"],
    // spaces and control characters
    ["leading space", " https://app.example.com"],
    ["trailing space", "https://app.example.com "],
    ["trailing newline", "https://app.example.com\n"],
    ["space inside host", "https://app example.com"],
    ["space after scheme", "https:// app.example.com"],
    ["tab inside host (URL would drop it)", "https://app.exa\tmple.com"],
    ["newline inside host (URL would drop it)", "https://app.exa\nmple.com"],
    // trailing dot and empty labels
    ["trailing dot", "https://app.example.com."],
    ["trailing dot with port", "https://app.example.com.:8443"],
    ["wildcard with trailing dot", "https://*.example.com."],
    ["leading empty label", "https://.example.com"],
    ["empty label", "https://app..example.com"],
    ["wildcard over empty label", "https://*..example.com"],
    // wildcards: only the whole leftmost label, never on a public suffix or an IP
    ["wildcard host only", "https://*"],
    ["wildcard not leftmost", "https://app.*.com"],
    ["partial-label wildcard", "https://*example.com"],
    ["partial-label wildcard after prefix", "https://app-*.example.com"],
    ["two wildcards", "https://*.*.example.com"],
    ["wildcard in scheme", "*://app.example.com"],
    ["wildcard port", "https://app.example.com:*"],
    ["*.com", "https://*.com"],
    ["*.co.uk", "https://*.co.uk"],
    ["*.vercel.app (private suffix)", "https://*.vercel.app"],
    ["*.github.io (private suffix)", "https://*.github.io"],
    // single-label names other than localhost: anyone on the network or with a resolver can claim them
    ["*.internal", "https://*.internal"],
    ["*.local (mDNS)", "http://*.local:3000"],
    ["*.test", "https://*.test"],
    // localhost look-alikes and spellings the exception must not let through
    ["*.localhost with trailing dot", "http://*.localhost.:3000"],
    ["partial-label wildcard on localhost", "http://*localhost:3000"],
    ["wildcard below a label on localhost", "http://a.*.localhost:3000"],
    ["fullwidth * on localhost", "http://\uff0a.localhost:3000"],
    ["percent-encoded * on localhost", "http://%2A.localhost:3000"],
    ["wildcard on IPv4", "https://*.0.0.1"],
    ["wildcard on IPv6", "https://*.[::1]"],
    // encodings that would smuggle a wildcard past the public-suffix check
    ["percent-encoded *", "https://%2A.com"],
    ["percent-encoded * on private suffix", "https://%2a.vercel.app"],
    ["percent-encoded host", "https://ex%61mple.com"],
    ["fullwidth * (UTS 46 maps it to *)", "https://\uff0a.com"],
    ["small * (UTS 46 maps it to *)", "https://\ufe61.vercel.app"],
    ["fullwidth * below a wildcard", "https://*.\uff0a.com"],
    // not parseable
    ["port out of range", "https://app.example.com:99999"],
    ["non-numeric port", "https://app.example.com:abc"],
    ["over-long (301 characters)", ruleOfLength(301)],
  ])("%s: %j", (_name, rule) => {
    const result = canonicalizeOriginRule(rule);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rule).toBe(rule);
      expect(result.reason.length).toBeGreaterThan(0);
    }
  });

  it("accepts a rule of exactly 300 characters", () => {
    expect(canonicalizeOriginRule(ruleOfLength(300))).toMatchObject({ ok: true });
  });
});

describe("canonicalizeOriginRules", () => {
  it("canonicalizes each rule and drops duplicates that differ only in spelling", () => {
    expect(
      canonicalizeOriginRules([
        "https://app.example.com",
        "HTTPS://APP.EXAMPLE.COM:443/",
        "https://*.example.com",
        "https://*.Example.com:443",
      ]),
    ).toEqual({ ok: true, rules: ["https://app.example.com", "https://*.example.com"] });
  });

  it("accepts an empty list", () => {
    expect(canonicalizeOriginRules([])).toEqual({ ok: true, rules: [] });
  });

  it.each([
    [["https://*.com"], 0],
    [["https://ok.example.com", "https://ok.example.com/path"], 1],
    [["https://a.example.com", "https://b.example.com", "null"], 2],
  ])("refuses %j at index %i", (rules, index) => {
    expect(canonicalizeOriginRules(rules)).toMatchObject({ ok: false, index, rule: rules[index] });
  });

  it(`accepts ${MAX_ORIGIN_RULES} rules and refuses ${MAX_ORIGIN_RULES + 1}`, () => {
    const rules = (n: number) => Array.from({ length: n }, (_, i) => `https://app${i}.example.com`);
    expect(canonicalizeOriginRules(rules(MAX_ORIGIN_RULES))).toMatchObject({ ok: true });
    expect(canonicalizeOriginRules(rules(MAX_ORIGIN_RULES + 1))).toMatchObject({ ok: false });
  });
});
