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

/** The CRC32 of a key's prefix and body (ASCII, so its UTF-8 is its latin1). */
const crcOf = (prefixAndBody: string): number => crc32(prefixAndBody) >>> 0;

function checksum(prefixAndBody: string): string {
  // The CRC32 as a number in base62: the same digits encodeBase62 gives its four bytes, without
  // BigInt.
  let crc = crcOf(prefixAndBody);
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
  if (!isBase62(value.slice(5))) return undefined;
  // This runs on every request that carries a key: the checksum digits are read as a number and
  // compared with the CRC (the same test as spelling the CRC out, since the spelling is unique).
  const bodyEnd = KEY_LENGTH - CHECKSUM_LENGTH;
  let written = 0;
  for (let i = bodyEnd; i < KEY_LENGTH; i++) written = written * 62 + base62Digit(value.charCodeAt(i));
  return written === crcOf(value.slice(0, bodyEnd)) ? tag : undefined;
}

/** The value of a base62 digit (already checked to be one): 0–9, then A–Z, then a–z. */
function base62Digit(code: number): number {
  if (code <= 0x39) return code - 0x30;
  if (code <= 0x5a) return code - 0x41 + 10;
  return code - 0x61 + 36;
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
