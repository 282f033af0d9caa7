import { randomBytes } from "node:crypto";
import { encodeBase62 } from "./base62.ts";

/** Every ID kind and its prefix, in one table so a prefix is never reused for two kinds. */
export const ID_PREFIXES = {
  org: "org_",
  key: "key_",
  assistant: "asst_",
  call: "call_",
  request: "req_",
  member: "mem_",
  session: "ses_",
  signingKey: "sk_",
  credential: "cred_",
  audit: "evt_",
  instance: "inst_",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/**
 * A new random, prefixed ID (96 random bits in base62).
 *
 * @example
 * newId("assistant"); // "asst_3k9ZqL0bX2mT8yVhD1"
 */
export function newId(kind: IdKind): string {
  return ID_PREFIXES[kind] + encodeBase62(randomBytes(12), 17);
}

/** True when `value` is shaped like an ID of `kind` (cheap check before any lookup). */
export function isId(kind: IdKind, value: string): boolean {
  const prefix = ID_PREFIXES[kind];
  return value.startsWith(prefix) && /^[A-Za-z0-9]{1,64}$/.test(value.slice(prefix.length));
}
