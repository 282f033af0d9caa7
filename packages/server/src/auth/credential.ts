import { type KeyTag, looksLikeKey, parseKeyValue } from "@portcullis/core";

/** What the Authorization header carries, read without any lookup. */
export type Credential =
  | { kind: "missing" }
  | { kind: "malformed" }
  | { kind: "key"; value: string; tag: KeyTag }
  | { kind: "token"; token: string };

const MAX_HEADER = 16 * 1024;

/**
 * Reads `Authorization: Bearer <key or token>`. A malformed key (bad length, alphabet or
 * checksum) is refused here, before any lookup, so typos and garbage cost nothing. Anything that
 * is not key-shaped is treated as a token and read strictly by the token verifier.
 */
export function readCredential(header: string | string[] | undefined): Credential {
  if (header === undefined || header === "") return { kind: "missing" };
  if (Array.isArray(header)) return { kind: "malformed" };
  if (header.length > MAX_HEADER) {
    // Far over a key's size: only a token can be meant, and the verifier refuses it by its length
    // alone (TOKEN_MALFORMED, as for any token over 8 KB), so the value is not matched here.
    const start = /^Bearer +/i.exec(header.slice(0, 32))?.[0].length;
    if (start === undefined || looksLikeKey(header.slice(start, start + 5)) || !header.includes(".", start))
      return { kind: "malformed" };
    return { kind: "token", token: header.slice(start) };
  }
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match?.[1]) return { kind: "malformed" };
  const value = match[1];
  if (!looksLikeKey(value)) return value.includes(".") ? { kind: "token", token: value } : { kind: "malformed" };
  const tag = parseKeyValue(value);
  return tag ? { kind: "key", value, tag } : { kind: "malformed" };
}
