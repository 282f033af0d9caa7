import { createPrivateKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { ES256_KID, type Seed } from "./seed.ts";

/** The payload a customer's backend signs for a browser: Vapi's `{ orgId, token: { tag, restrictions } }`. */
function payload(seed: Seed, n: number) {
  return {
    jti: `bench-${n}`,
    orgId: seed.orgId,
    token: {
      tag: "public",
      restrictions: { allowedOrigins: [seed.allowedOrigin], allowedAssistantIds: [seed.assistantId] },
    },
  };
}

/** Lifetime under the default org cap (3600 s), long enough to outlast a full bench run. */
const TTL_SECONDS = 3000;

/** A public-tag client token signed HS256 with the org's private key, named by `kid`. */
export function mintHs256(seed: Seed, n = 0): string {
  return jwt.sign(payload(seed, n), seed.privateKey, {
    algorithm: "HS256",
    expiresIn: TTL_SECONDS,
    keyid: seed.privateKeyId,
  });
}

/** A public-tag client token signed ES256 with the org's registered signing key. */
export function mintEs256(seed: Seed, n = 0): string {
  const key = createPrivateKey({ key: seed.es256PrivateJwk, format: "jwk" });
  return jwt.sign(payload(seed, n), key, { algorithm: "ES256", expiresIn: TTL_SECONDS, keyid: ES256_KID });
}

/** More distinct tokens than the server's verified-token cache holds (10,000), so none is a cache hit. */
export const FRESH_POOL = 12_000;
