export const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * Encodes bytes as a base62 string left-padded with "0" to `width` characters.
 *
 * @example
 * encodeBase62(new Uint8Array([255]), 3); // "047"
 */
export function encodeBase62(bytes: Uint8Array, width: number): string {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  let out = "";
  while (n > 0n) {
    out = BASE62_ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(width, "0");
}

/** True when every character of `value` is in the base62 alphabet. */
export function isBase62(value: string): boolean {
  return /^[0-9A-Za-z]*$/.test(value);
}
