const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const SMALL_OBJECT = 8;

/**
 * True when a JSON text has an object with the same key twice. JSON.parse keeps the last one
 * silently, so a token could show one value to a logging proxy and another to us (RFC 8725 §3.9
 * asks verifiers to refuse such input). The text must already be valid JSON.
 *
 * One pass, jumping from quote to quote: this runs on every never-seen token, next to an HMAC.
 */
export function hasDuplicateKeys(json: string): boolean {
  // Per open container: the keys seen so far (objects), or undefined (arrays). Token objects are
  // small, so a list beats a Set; past a few keys a Set keeps a hostile 8 KB payload linear.
  const stack: (string[] | Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === OPEN_OBJECT) {
      stack.push([]);
      expectKey = true;
    } else if (c === OPEN_ARRAY) {
      stack.push(undefined);
      expectKey = false;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
    } else if (c === COMMA) {
      expectKey = stack[stack.length - 1] !== undefined;
    } else if (c === QUOTE) {
      // The closing quote is the first one not escaped, i.e. not after an odd run of backslashes.
      let end = json.indexOf('"', i + 1);
      for (;;) {
        let backslashes = 0;
        while (json.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
        if (backslashes % 2 === 0) break;
        end = json.indexOf('"', end + 1);
      }
      if (expectKey) {
        // Keys are compared decoded: "a" and "\u0061" are the same key.
        const raw = json.slice(i + 1, end);
        const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        const seen = stack[stack.length - 1] as string[] | Set<string>;
        if (Array.isArray(seen)) {
          if (seen.includes(key)) return true;
          seen.push(key);
          if (seen.length > SMALL_OBJECT) stack[stack.length - 1] = new Set(seen);
        } else {
          if (seen.has(key)) return true;
          seen.add(key);
        }
        expectKey = false;
      }
      i = end;
    }
  }
  return false;
}
