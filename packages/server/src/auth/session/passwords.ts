import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt cost: N = 2^15, r = 8, p = 1 (OWASP's minimum for scrypt); 32 MiB of memory per hash. */
const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// Node's default maxmem (32 MiB) is exactly 128·N·r, which it refuses; leave room.
const MAXMEM = 64 * 1024 * 1024;

const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function derive(password: string, salt: Buffer, options: ScryptOptions & { N: number }, length: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, length, { ...options, maxmem: MAXMEM }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/**
 * Hashes a password with scrypt and a random salt, in a self-describing form
 * (`$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, base64url) so the cost can be raised later.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, { N: 2 ** LOG_N, r: R, p: P }, KEY_LENGTH);
  return `$scrypt$ln=${LOG_N},r=${R},p=${P}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** True when `password` matches `stored`; compared in constant time. A malformed `stored` never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const [, ln, r, p, salt, hash] = match;
  const expected = Buffer.from(hash as string, "base64url");
  const key = await derive(
    password,
    Buffer.from(salt as string, "base64url"),
    { N: 2 ** Number(ln), r: Number(r), p: Number(p) },
    expected.length,
  );
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A hash no password matches, checked when the email is unknown so that an unknown email costs
 * the same scrypt work as a wrong password and the two cannot be told apart by timing.
 */
export const DECOY_HASH = `$scrypt$ln=${LOG_N},r=${R},p=${P}$${randomBytes(SALT_LENGTH).toString("base64url")}$${randomBytes(KEY_LENGTH).toString("base64url")}`;
