import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  displayPrefix,
  encodeBase62,
  generateKeyValue,
  hashKeyValue,
  isBase62,
  KEY_LENGTH,
  KEY_PREFIXES,
  type KeyTag,
  looksLikeKey,
  parseKeyValue,
} from "../src/index.ts";

const TAGS: KeyTag[] = ["private", "public"];
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `key` with the character at `index` replaced by a different base62 character. */
function flip(key: string, index: number): string {
  const char = key[index] ?? "";
  const next = BASE62[(BASE62.indexOf(char) + 1) % BASE62.length] ?? "0";
  return key.slice(0, index) + next + key.slice(index + 1);
}

const publicKey = generateKeyValue("public");
const privateKey = generateKeyValue("private");

describe("generateKeyValue / parseKeyValue", () => {
  it.each(TAGS)("a generated %s key has the product prefix, the fixed length and parses to its tag", (tag) => {
    for (let i = 0; i < 200; i++) {
      const key = generateKeyValue(tag);
      expect(key).toMatch(/^pc[sp]k_[0-9A-Za-z]{39}$/);
      expect(key.startsWith(KEY_PREFIXES[tag])).toBe(true);
      expect(key).toHaveLength(KEY_LENGTH);
      expect(parseKeyValue(key)).toBe(tag);
    }
  });

  it("keys are 5 + 33 + 6 characters", () => {
    expect(KEY_LENGTH).toBe(44);
  });

  it("generated keys do not repeat", () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateKeyValue("public")));
    expect(keys.size).toBe(1000);
  });

  it("the key as an HS256 secret is at least 32 bytes", () => {
    for (const tag of TAGS) expect(Buffer.byteLength(generateKeyValue(tag), "utf8")).toBeGreaterThanOrEqual(32);
  });

  it.each(Array.from({ length: KEY_LENGTH }, (_, i) => i))(
    "refuses a key with the character at %i changed",
    (index) => {
      expect(parseKeyValue(flip(publicKey, index))).toBeUndefined();
      expect(parseKeyValue(flip(privateKey, index))).toBeUndefined();
    },
  );

  it.each([
    ["empty", ""],
    ["prefix only", "pcpk_"],
    ["one character short", publicKey.slice(0, -1)],
    ["one character long", `${publicKey}0`],
    ["doubled", publicKey + publicKey],
    ["public turned private by editing the prefix", `pcsk_${publicKey.slice(5)}`],
    ["private turned public by editing the prefix", `pcpk_${privateKey.slice(5)}`],
    ["upper-case prefix", `PCPK_${publicKey.slice(5)}`],
    ["foreign prefix", `sk_l_${publicKey.slice(5)}`],
    ["prefix without underscore", `pcpkX${publicKey.slice(5)}`],
    ["case flipped in the body", publicKey.slice(0, 10) + swapCase(publicKey[10] ?? "a") + publicKey.slice(11)],
    ["non-base62 '-' in the body", `${publicKey.slice(0, 20)}-${publicKey.slice(21)}`],
    ["non-base62 '_' in the body", `${publicKey.slice(0, 20)}_${publicKey.slice(21)}`],
    ["non-base62 '+' in the checksum", `${publicKey.slice(0, -1)}+`],
    ["non-ASCII in the body", `${publicKey.slice(0, 20)}é${publicKey.slice(21)}`],
    ["space at the end", `${publicKey.slice(0, -1)} `],
    ["all-zero checksum", `${publicKey.slice(0, -6)}000000`],
    ["checksum digits beyond any CRC32 (zzzzzz)", `${publicKey.slice(0, -6)}zzzzzz`],
    ["checksum of another key", publicKey.slice(0, -6) + generateKeyValue("public").slice(-6)],
    ["padded with spaces", ` ${publicKey.slice(1)}`],
  ])("refuses %s", (_name, value) => {
    // A value that happens to equal a real key would be no test at all.
    expect(value === publicKey || value === privateKey).toBe(false);
    expect(parseKeyValue(value)).toBeUndefined();
  });
});

function swapCase(char: string): string {
  const swapped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
  // Digits have no case; use a letter that differs instead.
  return swapped === char ? (char === "0" ? "1" : "0") : swapped;
}

describe("checksum spelling", () => {
  it("is the CRC32's four bytes in base62, so keys issued by any version keep parsing", () => {
    // Written the way the first version did (BigInt over the CRC's bytes), for 2,000 random bodies.
    for (let i = 0; i < 2000; i++) {
      const head = KEY_PREFIXES.public + encodeBase62(randomBytes(24), 33);
      const crc = crc32(Buffer.from(head, "utf8")) >>> 0;
      const bytes = new Uint8Array([crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255]);
      const key = head + encodeBase62(bytes, 6);
      expect(parseKeyValue(key), key).toBe("public");
      expect(parseKeyValue(flip(key, KEY_LENGTH - 1))).toBeUndefined();
    }
  });

  it("a change of any one checksum or body character is refused", () => {
    for (let i = 0; i < 200; i++) {
      const key = generateKeyValue(i % 2 === 0 ? "public" : "private");
      for (let at = 5; at < KEY_LENGTH; at++) expect(parseKeyValue(flip(key, at)), `${key} at ${at}`).toBeUndefined();
    }
  });
});

describe("looksLikeKey", () => {
  it.each([
    [publicKey, true],
    [privateKey, true],
    ["pcpk_typo", true],
    ["pcsk_", true],
    ["eyJhbGciOiJIUzI1NiJ9.e30.x", false],
    ["", false],
    ["PCPK_abc", false],
  ])("%j → %s", (value, expected) => {
    expect(looksLikeKey(value)).toBe(expected);
  });
});

describe("hashKeyValue", () => {
  it("is SHA-256 in lower-case hex", () => {
    // Known vector: SHA-256("abc").
    expect(hashKeyValue("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashKeyValue(publicKey)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is stable and differs between keys", () => {
    expect(hashKeyValue(publicKey)).toBe(hashKeyValue(publicKey));
    expect(hashKeyValue(publicKey)).not.toBe(hashKeyValue(privateKey));
    expect(hashKeyValue(publicKey)).not.toContain(publicKey.slice(5));
  });
});

describe("displayPrefix", () => {
  it.each(TAGS)("for a %s key is the prefix and four characters, never the whole key", (tag) => {
    const key = generateKeyValue(tag);
    const shown = displayPrefix(key);
    expect(shown).toBe(key.slice(0, 9));
    expect(shown.startsWith(KEY_PREFIXES[tag])).toBe(true);
    expect(shown.length).toBeLessThan(key.length);
    expect(parseKeyValue(shown)).toBeUndefined();
    expect(isBase62(shown.slice(5))).toBe(true);
  });
});
