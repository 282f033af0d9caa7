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
  if (Array.isArray(header) || header.length > MAX_HEADER) return { kind: "malformed" };
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match?.[1]) return { kind: "malformed" };
  const value = match[1];
  if (!looksLikeKey(value)) return value.includes(".") ? { kind: "token", token: value } : { kind: "malformed" };
  const tag = parseKeyValue(value);
  return tag ? { kind: "key", value, tag } : { kind: "malformed" };
}
