import { getPublicSuffix } from "tldts";

/** The result of reading one origin rule: its canonical form, or why it is refused. */
export type OriginRuleResult =
  | { ok: true; canonical: string; wildcard: boolean }
  | { ok: false; rule: string; reason: string };

/** A compiled rule set: answers whether a request's `Origin` header value is allowed. */
export type OriginMatcher = (origin: string | undefined) => boolean;

export const MAX_ORIGIN_RULES = 100;
const MAX_RULE_LENGTH = 300;
// A label the URL parser accepts in place of "*" so the rest of the host is canonicalized by it.
const WILDCARD_LABEL = "portcullis-wildcard-label";
const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

/**
 * Reads one origin rule into its canonical form with the URL standard (lower case, default port
 * dropped, IDN to punycode), or says why it is refused.
 *
 * Accepted: `scheme://host[:port]` with scheme http or https, or `https://*.example.com` where the
 * wildcard is the whole leftmost label. Refused: paths, query, fragment, credentials, `null`, `*`,
 * a trailing dot, and a wildcard directly on a public suffix (`https://*.vercel.app`) or a
 * single-label name. `*.localhost` is the exception: its names are loopback only (RFC 6761).
 *
 * @example
 * canonicalizeOriginRule("HTTPS://App.Example.com:443"); // { ok: true, canonical: "https://app.example.com", wildcard: false }
 * canonicalizeOriginRule("http://*.localhost:3000");     // { ok: true, canonical: "http://*.localhost:3000", wildcard: true }
 * canonicalizeOriginRule("https://*.co.uk");             // { ok: false, rule: "https://*.co.uk", reason: "…public suffix…" }
 */
export function canonicalizeOriginRule(rule: string): OriginRuleResult {
  const refuse = (reason: string): OriginRuleResult => ({ ok: false, rule, reason });
  if (typeof rule !== "string" || rule.length === 0) return refuse("An origin rule must be a non-empty string.");
  if (rule.length > MAX_RULE_LENGTH) return refuse(`An origin rule is at most ${MAX_RULE_LENGTH} characters.`);
  if (rule.trim() !== rule) return refuse("Remove the spaces around the origin.");
  // The URL parser silently drops tabs and newlines inside the input; refuse them instead.
  if (/[\s\p{Cc}]/u.test(rule)) return refuse("An origin has no spaces or control characters.");
  if (rule === "*") return refuse("'*' would allow every website; list the origins your app is served from.");
  if (rule.toLowerCase() === "null")
    return refuse(
      "'null' is the origin of sandboxed frames and local files; any page can produce it, so it cannot be allowed.",
    );
  const schemeEnd = rule.indexOf("://");
  if (schemeEnd < 0) return refuse("Write the origin as scheme://host[:port], e.g. https://app.example.com.");
  const scheme = rule.slice(0, schemeEnd).toLowerCase();
  if (scheme !== "http" && scheme !== "https") return refuse("Only http and https origins can be allowed.");
  const afterScheme = rule.slice(schemeEnd + 3);
  // For http(s) the URL parser reads "\\" as "/", so it starts a path too.
  const authorityEnd = afterScheme.search(/[/?#\\]/);
  const authority = authorityEnd < 0 ? afterScheme : afterScheme.slice(0, authorityEnd);
  const rest = authorityEnd < 0 ? "" : afterScheme.slice(authorityEnd);
  // An origin has no path; a lone trailing "/" is the empty path and is dropped.
  if (rest !== "" && rest !== "/")
    return refuse("An origin has no path, query or fragment: keep only scheme://host[:port].");
  if (authority.includes("@")) return refuse("An origin has no user name or password.");
  // The URL parser decodes "%2A" to "*" (and "%2E" to "."), which would slip a wildcard past the
  // public-suffix check below; a host is written without percent-encoding.
  if (authority.includes("%")) return refuse("Write the host without percent-encoding.");
  const wildcard = authority.startsWith("*.");
  if (authority.slice(wildcard ? 2 : 0).includes("*"))
    return refuse("A wildcard may only be the whole leftmost label, as in https://*.example.com.");

  let url: URL;
  try {
    url = new URL(`${scheme}://${wildcard ? WILDCARD_LABEL + authority.slice(1) : authority}`);
  } catch {
    return refuse("This is not a valid origin.");
  }
  const host = url.hostname;
  if (host === "") return refuse("The origin has no host.");
  if (host.endsWith(".")) return refuse("Remove the trailing dot from the host: browsers send the origin without it.");
  if (host.startsWith(".") || host.includes("..")) return refuse("The host has an empty label.");
  // Checked on the parsed host too: UTS 46 maps "＊" (U+FF0A) and "﹡" (U+FE61) to "*", and a "*" in a
  // canonical rule would be compiled as a wildcard that skipped the public-suffix check.
  if ((wildcard ? host.slice(WILDCARD_LABEL.length) : host).includes("*"))
    return refuse("A wildcard may only be the whole leftmost label, as in https://*.example.com.");
  const port = url.port === DEFAULT_PORTS[url.protocol] ? "" : url.port;
  const hostPort = port ? `${host}:${port}` : host;
  if (!wildcard) return { ok: true, canonical: `${url.protocol}//${hostPort}`, wildcard: false };

  const base = host.slice(WILDCARD_LABEL.length + 1);
  if (base.startsWith("[") || /^[0-9.]+$/.test(base)) return refuse("A wildcard cannot be put on an IP address.");
  // RFC 6761 §6.3: "localhost" and every name below it are the loopback address, and browsers
  // resolve them without DNS. So '*.localhost' matches only the visitor's own machine, as an exact
  // 'http://localhost:3000' does: no name anyone else can register, as below a public suffix.
  if (base !== "localhost" && (!base.includes(".") || getPublicSuffix(base, { allowPrivateDomains: true }) === base))
    return refuse(
      `'*.${base}' would match sites anyone can register, because ${base} is a public suffix (see publicsuffix.org). Allow your own domain instead, e.g. https://myapp.${base}.`,
    );
  return { ok: true, canonical: `${url.protocol}//*.${port ? `${base}:${port}` : base}`, wildcard: true };
}

/**
 * Reads a list of rules; the first refused rule (with its reason) refuses the list.
 *
 * @example
 * canonicalizeOriginRules(["https://a.example.com", "https://a.example.com:443"]);
 * // { ok: true, rules: ["https://a.example.com"] }
 */
export function canonicalizeOriginRules(
  rules: readonly string[],
): { ok: true; rules: string[] } | { ok: false; rule: string; reason: string; index: number } {
  if (rules.length > MAX_ORIGIN_RULES)
    return {
      ok: false,
      rule: "",
      reason: `At most ${MAX_ORIGIN_RULES} origin rules per key.`,
      index: MAX_ORIGIN_RULES,
    };
  const out: string[] = [];
  for (const [index, rule] of rules.entries()) {
    const read = canonicalizeOriginRule(rule);
    if (!read.ok) return { ...read, index };
    if (!out.includes(read.canonical)) out.push(read.canonical);
  }
  return { ok: true, rules: out };
}

type ParsedOrigin = { scheme: string; host: string; port: string; serialized: string };

/**
 * Reads a request's `Origin` header value, or `undefined` when it is missing, `null`, a list,
 * or anything other than a serialized http(s) origin. Such values never match a rule.
 *
 * @example
 * parseRequestOrigin("https://App.example.com"); // { scheme: "https:", host: "app.example.com", port: "", serialized: "https://app.example.com" }
 * parseRequestOrigin("null");                    // undefined
 */
export function parseRequestOrigin(value: string | undefined): ParsedOrigin | undefined {
  // RFC 6454: an opaque origin serializes as "null"; it never matches a rule.
  if (!value || value === "null" || value.length > MAX_RULE_LENGTH) return undefined;
  // A serialized origin is scheme://host[:port] and nothing else; a list (two Origin headers
  // joined by a comma), a path or credentials make it malformed.
  if (!/^[A-Za-z]+:\/\/[^/?#\s,*@\\%]+$/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  // Browsers never send a trailing dot, an empty label or a "*" (which "＊" maps to); such a host
  // must not pass as a subdomain of a wildcard rule.
  const host = url.hostname;
  if (host.endsWith(".") || host.startsWith(".") || host.includes("..") || host.includes("*")) return undefined;
  return { scheme: url.protocol, host: url.hostname, port: url.port, serialized: url.origin };
}

/**
 * Compiles canonical rules (from {@link canonicalizeOriginRules}) into a matcher, once, when a key
 * is loaded. Exact rules are a set lookup; a wildcard matches any subdomain depth below its base,
 * never the base itself, and only with the same scheme and port.
 *
 * @example
 * const allowOrigin = compileOriginRules(["https://app.example.com", "https://*.example.com"]);
 * allowOrigin("https://a.b.example.com");      // true
 * allowOrigin("https://example.com");          // false
 * allowOrigin("https://example.com.evil.io");  // false
 */
export function compileOriginRules(rules: readonly string[]): OriginMatcher {
  const exact = new Set<string>();
  const wildcards: { scheme: string; suffix: string; port: string }[] = [];
  for (const rule of rules) {
    const star = rule.indexOf("://*.");
    if (star < 0) {
      exact.add(rule);
      continue;
    }
    const scheme = `${rule.slice(0, star)}:`;
    const hostPort = rule.slice(star + 5);
    const colon = hostPort.lastIndexOf(":");
    const hasPort = colon > 0 && /^\d+$/.test(hostPort.slice(colon + 1));
    wildcards.push({
      scheme,
      suffix: `.${hasPort ? hostPort.slice(0, colon) : hostPort}`,
      port: hasPort ? hostPort.slice(colon + 1) : "",
    });
  }
  return (origin) => {
    if (origin === undefined) return false;
    if (exact.has(origin)) return true;
    const parsed = parseRequestOrigin(origin);
    if (!parsed) return false;
    if (exact.has(parsed.serialized)) return true;
    for (const w of wildcards) {
      if (
        parsed.scheme === w.scheme &&
        parsed.port === w.port &&
        parsed.host.length > w.suffix.length &&
        parsed.host.endsWith(w.suffix)
      )
        return true;
    }
    return false;
  };
}
