import { createPublicKey, type KeyObject } from "node:crypto";

export type SigningAlg = "ES256" | "EdDSA" | "RS256";

export type ReadSigningKey =
  | { ok: true; alg: SigningAlg; kid: string | undefined; jwk: Record<string, unknown>; publicKey: KeyObject }
  | { ok: false; message: string };

const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  EC: ["kty", "crv", "x", "y"],
  OKP: ["kty", "crv", "x"],
  RSA: ["kty", "n", "e"],
};
// Members that only a private (or symmetric) JWK has: the platform must never hold them.
const SECRET_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
export const MIN_RSA_BITS = 2048;

/**
 * Reads a JWK an org registers to verify its own tokens: a public ES256 (P-256), EdDSA (Ed25519)
 * or RS256 (≥ 2048-bit) key. Private members are refused, so the platform never holds a secret
 * able to mint the org's tokens. Returns the key with only its public members.
 */
export function readSigningJwk(input: unknown): ReadSigningKey {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { ok: false, message: "A JWK is a JSON object." };
  const jwk = input as Record<string, unknown>;
  const secret = SECRET_MEMBERS.find((m) => m in jwk);
  if (secret)
    return {
      ok: false,
      message: `The JWK has the private member '${secret}'. Register the public key only; keep the private key on your server.`,
    };
  const kty = jwk.kty;
  let alg: SigningAlg;
  if (kty === "EC" && jwk.crv === "P-256") alg = "ES256";
  else if (kty === "OKP" && jwk.crv === "Ed25519") alg = "EdDSA";
  else if (kty === "RSA") alg = "RS256";
  else return { ok: false, message: "Accepted keys: EC P-256 (ES256), OKP Ed25519 (EdDSA), RSA ≥ 2048 bits (RS256)." };
  if (jwk.alg !== undefined && jwk.alg !== alg)
    return { ok: false, message: `The JWK's alg '${String(jwk.alg)}' does not match its key type (expected ${alg}).` };
  if (jwk.use !== undefined && jwk.use !== "sig") return { ok: false, message: "The JWK's use must be 'sig'." };
  if (jwk.kid !== undefined && (typeof jwk.kid !== "string" || !/^[A-Za-z0-9._:-]{1,128}$/.test(jwk.kid)))
    return { ok: false, message: "kid must be 1–128 characters of A–Z, a–z, 0–9, '.', '_', ':' or '-'." };
  const members = PUBLIC_MEMBERS[kty] as readonly string[];
  const publicJwk: Record<string, unknown> = {};
  for (const m of members) {
    if (typeof jwk[m] !== "string") return { ok: false, message: `The JWK lacks '${m}'.` };
    publicJwk[m] = jwk[m];
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: publicJwk as import("node:crypto").JsonWebKey, format: "jwk" });
  } catch {
    return { ok: false, message: "The JWK does not describe a valid public key." };
  }
  if (alg === "RS256" && (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS)
    return { ok: false, message: `RSA keys must have at least ${MIN_RSA_BITS} bits.` };
  publicJwk.alg = alg;
  publicJwk.use = "sig";
  if (typeof jwk.kid === "string") publicJwk.kid = jwk.kid;
  return { ok: true, alg, kid: typeof jwk.kid === "string" ? jwk.kid : undefined, jwk: publicJwk, publicKey };
}
