import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { BASE62_ALPHABET, encodeBase62, isBase62 } from "./base62.ts";

export type KeyTag = "private" | "public";

/** The product prefix of each key tag; a scanner can find leaked keys by it. */
export const KEY_PREFIXES: Record<KeyTag, string> = { private: "pcsk_", public: "pcpk_" };

/** 192 random bits: well above the 128 the design asks for, and ≥ 32 bytes as an HS256 secret. */
const RANDOM_BYTES = 24;
const BODY_LENGTH = 33; // ceil(192 / log2(62))
const CHECKSUM_LENGTH = 6; // 62^6 > 2^32, so every CRC32 fits
export const KEY_LENGTH = 5 + BODY_LENGTH + CHECKSUM_LENGTH;

function checksum(prefixAndBody: string): string {
  // The CRC32 as a number in base62: the same digits encodeBase62 gives its four bytes, without
  // BigInt (this runs on every request that carries a key).
  let crc = crc32(Buffer.from(prefixAndBody, "latin1")) >>> 0;
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62_ALPHABET[crc % 62] + out;
    crc = Math.floor(crc / 62);
  }
  return out;
}

/**
 * A new key value: product prefix, 192 random bits in base62, then a CRC32 checksum.
 *
 * @example
 * generateKeyValue("public"); // "pcpk_0fE3…Q9aZ1b" (44 characters)
 */
export function generateKeyValue(tag: KeyTag): string {
  const head = KEY_PREFIXES[tag] + encodeBase62(randomBytes(RANDOM_BYTES), BODY_LENGTH);
  return head + checksum(head);
}

/**
 * Reads a key's tag from its value, or `undefined` when the value is not a well-formed key
 * (wrong length, alphabet, prefix or checksum). No lookup is needed to refuse a typo.
 *
 * @example
 * parseKeyValue(generateKeyValue("private")); // "private"
 * parseKeyValue("pcpk_not-a-key");             // undefined
 */
export function parseKeyValue(value: string): KeyTag | undefined {
  if (value.length !== KEY_LENGTH) return undefined;
  const tag = value.startsWith(KEY_PREFIXES.private)
    ? "private"
    : value.startsWith(KEY_PREFIXES.public)
      ? "public"
      : undefined;
  if (!tag) return undefined;
  const head = value.slice(0, KEY_LENGTH - CHECKSUM_LENGTH);
  if (!isBase62(value.slice(5))) return undefined;
  return checksum(head) === value.slice(head.length) ? tag : undefined;
}

/** True when the value starts like a Portcullis key, even if it is malformed. */
export function looksLikeKey(value: string): boolean {
  return value.startsWith(KEY_PREFIXES.private) || value.startsWith(KEY_PREFIXES.public);
}

/**
 * SHA-256 of a key value, hex: what the database stores and the cache is keyed by.
 *
 * @example
 * hashKeyValue("pcpk_…"); // "9f86d081884c7d65…"
 */
export function hashKeyValue(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/**
 * The part of a key safe to show again: prefix and first four random characters.
 *
 * @example
 * displayPrefix("pcpk_0fE3Q9…"); // "pcpk_0fE3"
 */
export function displayPrefix(value: string): string {
  return value.slice(0, 9);
}
