import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";

/** Seals secrets at rest with AES-256-GCM; the associated data binds a ciphertext to its row. */
export type Cipher = {
  seal(plaintext: string, associatedData: string): string;
  open(sealed: string, associatedData: string): string;
};

/**
 * A cipher under a 32-byte master key. Each seal uses a fresh 96-bit IV (NIST SP 800-38D §8.2.2).
 * Output: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
export function createCipher(masterKey: Buffer): Cipher {
  if (masterKey.length !== 32) throw new Error("the master key must be 32 bytes");
  return {
    seal(plaintext, associatedData) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
      cipher.setAAD(Buffer.from(associatedData, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), body]
        .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
        .join(".");
    },
    open(sealed, associatedData) {
      const [version, iv, tag, body] = sealed.split(".");
      if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("unknown ciphertext format");
      const decipher = createDecipheriv("aes-256-gcm", masterKey, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(associatedData, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    },
  };
}
