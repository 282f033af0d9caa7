import { createHmac, createPrivateKey, type KeyObject, sign } from "node:crypto";
import jwt from "jsonwebtoken";
import { EDDSA_KID, ES256_KID, type Seed } from "./seed.ts";

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

/** The algorithms of the org's registered signing keys in the seed, and what signs for each. */
export type SigningAlg = "ES256" | "EdDSA";

const signingKeys = {
  ES256: { kid: ES256_KID, jwk: (seed: Seed) => seed.es256PrivateJwk, digest: "sha256" },
  EdDSA: { kid: EDDSA_KID, jwk: (seed: Seed) => seed.eddsaPrivateJwk, digest: null },
} as const;

/** The seed's private key for one of its registered signing keys. */
export const signingPrivateKey = (seed: Seed, alg: SigningAlg): KeyObject =>
  createPrivateKey({ key: signingKeys[alg].jwk(seed), format: "jwk" });

/** Signs `input` as a JWS signature would (ES256 as r || s, not DER). */
function signFor(alg: SigningAlg, key: KeyObject, input: string): string {
  return sign(signingKeys[alg].digest, Buffer.from(input), { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
}

/**
 * A public-tag client token signed with one of the org's registered signing keys. jsonwebtoken
 * signs ES256; it has no EdDSA, so those are signed here the same way (header, claims, signature).
 */
export function mintSigned(seed: Seed, alg: SigningAlg, n = 0): string {
  const key = signingPrivateKey(seed, alg);
  const { kid } = signingKeys[alg];
  if (alg === "ES256")
    return jwt.sign(payload(seed, n), key, { algorithm: "ES256", expiresIn: TTL_SECONDS, keyid: kid });
  const iat = Math.floor(Date.now() / 1000);
  const input = [
    { alg, typ: "JWT", kid },
    { ...payload(seed, n), iat, exp: iat + TTL_SECONDS },
  ]
    .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
    .join(".");
  return `${input}.${signFor(alg, key, input)}`;
}

/**
 * Tokens never seen before, one per `next()`, each handed out as a new flat string the way a
 * request's header arrives (not a slice of a string kept alive elsewhere). The server caches a
 * token the second time it verifies, so a pool cycled through would measure its cache, not
 * verification: every token here is used once. They are minted up front into one off-heap buffer
 * (so the pool costs the garbage collector nothing), enough for every slice that draws from it
 * at `maxRate` per second; should a faster machine draw more, the rest are minted on the spot,
 * inside the measured slice, which can only make the result look slower.
 */
export class FreshTokens {
  private readonly text: Buffer;
  /** Where token n's text starts in `text`; it ends where token n + 1's starts. */
  private readonly starts: Uint32Array;
  private used = 0;
  /** Minted inside a measured slice because the pool ran out (reported, should stay 0). */
  mintedLate = 0;

  constructor(
    private readonly mint: (n: number) => string,
    readonly size: number,
  ) {
    const texts = Array.from({ length: size }, (_, n) => Buffer.from(`${SCHEME}${mint(n)}`, "latin1"));
    this.text = Buffer.concat(texts);
    this.starts = new Uint32Array(size + 1);
    texts.forEach((text, n) => {
      this.starts[n + 1] = (this.starts[n] as number) + text.length;
    });
  }

  /** Pool size for `slices` measured slices of `sliceMs` each, drawing at most `maxRate` tokens per second. */
  static sizeFor(slices: number, sliceMs: number, maxRate: number): number {
    return Math.ceil((slices * sliceMs * maxRate) / 1000);
  }

  /**
   * Token `n` of the pool as a new string, as an Authorization header value (`Bearer ...`) or
   * bare. It is not used up: for the library's own row, which caches nothing.
   */
  at(n: number, as: "header" | "token"): string {
    const start = (this.starts[n] as number) + (as === "token" ? SCHEME.length : 0);
    return this.text.toString("latin1", start, this.starts[n + 1] as number);
  }

  /** The next token never handed out before, as `at` spells it. */
  next(as: "header" | "token"): string {
    if (this.used < this.size) return this.at(this.used++, as);
    this.mintedLate++;
    const token = this.mint(this.used++);
    return as === "token" ? token : `${SCHEME}${token}`;
  }
}

const SCHEME = "Bearer ";

/**
 * A fast minter of distinct HS256 tokens for a pool: the header and claims of `mintHs256`'s token
 * (made by jsonwebtoken, a real signer), each with its own jti, signed with node:crypto directly.
 */
export function hs256Minter(seed: Seed): (n: number) => string {
  const [header, payload] = mintHs256(seed).split(".") as [string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  return (n) => {
    const input = `${header}.${Buffer.from(JSON.stringify({ ...claims, jti: `fresh-${n}` })).toString("base64url")}`;
    return `${input}.${createHmac("sha256", seed.privateKey).update(input).digest("base64url")}`;
  };
}

/** Like `hs256Minter`, for tokens signed with one of the org's registered signing keys. */
export function signedMinter(seed: Seed, alg: SigningAlg): (n: number) => string {
  const [header, payload] = mintSigned(seed, alg).split(".") as [string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  const key = signingPrivateKey(seed, alg);
  return (n) => {
    const input = `${header}.${Buffer.from(JSON.stringify({ ...claims, jti: `fresh-${n}` })).toString("base64url")}`;
    return `${input}.${signFor(alg, key, input)}`;
  };
}
