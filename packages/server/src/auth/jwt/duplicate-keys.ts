const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * True when a JSON text has an object with the same key twice. JSON.parse keeps the last one
 * silently, so a token could show one value to a logging proxy and another to us (RFC 8725 §3.9
 * asks verifiers to refuse such input). The text must be valid JSON; `parsed` is its parse, when
 * the caller already has it (a signature library parses the payload anyway).
 *
 * Counting instead of comparing: each key written in the text lands in exactly one parsed object,
 * which holds each distinct key once, so the text has more keys than the parse exactly when some
 * object repeats one. Both counts are one linear pass that keeps no key, so this stays cheap next
 * to the HMAC it runs beside, and linear on a hostile 8 KB payload.
 */
export function hasDuplicateKeys(json: string, parsed: unknown = JSON.parse(json)): boolean {
  const utf8 = Buffer.from(json);
  return keysWritten(utf8, utf8.length) !== keysHeld(parsed);
}

/** Like `hasDuplicateKeys`, for JSON already as UTF-8 bytes (the first `length` of `utf8`). */
export function hasDuplicateKeysInUtf8(utf8: Uint8Array, length: number, parsed: unknown): boolean {
  return keysWritten(utf8, length) !== keysHeld(parsed);
}

/** Per open container, whether it is an object (reused across calls: this never re-enters). */
const inObject: boolean[] = [];

/**
 * Keys written in a valid JSON text, over all its objects. Read as UTF-8 bytes: every byte that
 * matters here is ASCII, and no byte of a multi-byte character is.
 */
function keysWritten(json: Uint8Array, length: number): number {
  let depth = 0;
  let expectKey = false;
  let keys = 0;
  for (let i = 0; i < length; i++) {
    const c = json[i];
    if (c === OPEN_OBJECT) {
      inObject[depth++] = true;
      expectKey = true;
    } else if (c === OPEN_ARRAY) {
      inObject[depth++] = false;
      expectKey = false;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    } else if (c === COMMA) {
      expectKey = inObject[depth - 1] === true;
    } else if (c === QUOTE) {
      if (expectKey) keys++;
      expectKey = false;
      i = closingQuote(json, i, length);
    }
  }
  return keys;
}

/** Where the string opened at `open` ends: the first quote not escaped (after an even run of backslashes). */
function closingQuote(json: Uint8Array, open: number, length: number): number {
  let end = json.indexOf(QUOTE, open + 1);
  while (end !== -1 && end < length) {
    let backslashes = 0;
    while (json[end - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = json.indexOf(QUOTE, end + 1);
  }
  return length;
}

/** Keys held by a parsed JSON value, over all its objects. */
function keysHeld(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) keys += keysHeld(item);
    return keys;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) keys += 1 + keysHeld(object[key]);
  return keys;
}
