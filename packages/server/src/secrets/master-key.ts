import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class MasterKeyError extends Error {}

/** Reads a 32-byte key written as 64 hex characters or as base64. */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (bytes.length !== 32)
    throw new MasterKeyError(`${source}: expected 32 bytes as 64 hex characters or base64, got ${bytes.length} bytes`);
  return bytes;
}

/**
 * The master key that encrypts stored key values: from `PORTCULLIS_MASTER_KEY` when set, else from
 * `<dataDir>/master.key`, created with mode 0600 on first start. Losing it makes stored private key
 * values unreadable (HS256 tokens stop verifying); keep a copy with your backups.
 */
export function loadMasterKey(dataDir: string, fromEnv: string | undefined): Buffer {
  if (fromEnv) return parseMasterKey(fromEnv, "PORTCULLIS_MASTER_KEY");
  const file = join(dataDir, "master.key");
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  // Tighten a file someone loosened by hand; a readable master key is a readable database.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return parseMasterKey(readFileSync(file, "utf8"), file);
}
