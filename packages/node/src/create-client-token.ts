import { createHmac, createPrivateKey, randomUUID, sign } from "node:crypto";

/**
 * A JSON Web Key (RFC 7517) as `KeyObject#export({ format: "jwk" })` returns it. Declared here so the
 * package's types need no `@types/node`.
 */
export type Jwk = { kty?: string; crv?: string; kid?: string; [member: string]: unknown };

/** Restrictions a token carries; the same fields as a stored public key's (docs/restrictions.md). */
export type ClientTokenRestrictions = {
  enabled?: boolean;
  allowedOrigins?: string[];
  allowedAssistantIds?: string[];
  allowTransientAssistant?: boolean;
  allowedOverrides?: string[];
  [field: string]: unknown;
};

type CommonOptions = {
  /** Your org's ID (`org_…`). */
  orgId: string;
  /** What the browser may do with the token. Default: no restrictions beyond the tag's. */
  restrictions?: ClientTokenRestrictions;
  /** Your user's ID; recorded on calls and usable by per-user limits. Becomes the `sub` claim. */
  userId?: string;
  /** Lifetime in seconds. Default 600; the org's maxTokenTtlSeconds caps it (default 3600). */
  ttlSeconds?: number;
  /** The token starts one call only; a replay is refused. Adds a random `jti`. */
  singleUse?: boolean;
  /** "public" (default) for browsers; "private" for server-to-server calls. */
  tag?: "public" | "private";
  /** Sets `aud`; the server then requires it to equal its PORTCULLIS_PUBLIC_URL. */
  audience?: string;
  /** Seconds since the epoch to mint at; default now. */
  now?: number;
};

/** Sign with one of your org's private keys (HS256). */
export type HmacTokenOptions = CommonOptions & {
  /** A private key value (`pcsk_…`). Keep it on your server. */
  privateKey: string;
  /** The private key's ID (`key_…`) as `kid`, so the server tries only that key. Recommended. */
  keyId?: string;
};

/** Sign with your own asymmetric key (ES256, EdDSA or RS256) whose public half you registered. */
export type SigningKeyTokenOptions = CommonOptions & {
  /** Your private JWK (with `d`). */
  signingKey: Jwk;
  /** The `kid` you registered the public key under. */
  kid: string;
};

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

function algOf(jwk: Jwk): "ES256" | "EdDSA" | "RS256" {
  if (jwk.kty === "EC" && jwk.crv === "P-256") return "ES256";
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  if (jwk.kty === "RSA") return "RS256";
  throw new TypeError("signingKey must be an EC P-256, OKP Ed25519 or RSA private JWK");
}

/**
 * Mints a short-lived client token for the browser: `{ orgId, token: { tag, restrictions }, exp, iat }`
 * plus `sub`, `jti` and `aud` when asked, signed with a private key (HS256) or your own signing key.
 *
 * @example
 * const token = createClientToken({
 *   privateKey: process.env.PORTCULLIS_PRIVATE_KEY!, keyId: "key_…", orgId: "org_…",
 *   restrictions: { allowedOrigins: ["https://app.example.com"], allowedAssistantIds: ["asst_…"] },
 *   userId: "user_42", ttlSeconds: 600, singleUse: true,
 * });
 */
export function createClientToken(options: HmacTokenOptions | SigningKeyTokenOptions): string {
  const iat = Math.floor(options.now ?? Date.now() / 1000);
  const ttl = options.ttlSeconds ?? 600;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new RangeError("ttlSeconds must be a positive integer");
  const payload: Record<string, unknown> = {
    orgId: options.orgId,
    token: {
      tag: options.tag ?? "public",
      restrictions: options.restrictions ?? {},
      ...(options.singleUse && { singleUse: true }),
    },
    iat,
    exp: iat + ttl,
    ...(options.userId !== undefined && { sub: options.userId }),
    ...(options.singleUse && { jti: randomUUID() }),
    ...(options.audience !== undefined && { aud: options.audience }),
  };
  if ("privateKey" in options) {
    if (!options.privateKey.startsWith("pcsk_")) throw new TypeError("privateKey must be a private key (pcsk_…)");
    const header = { alg: "HS256", typ: "JWT", ...(options.keyId !== undefined && { kid: options.keyId }) };
    const input = `${b64(header)}.${b64(payload)}`;
    return `${input}.${createHmac("sha256", options.privateKey).update(input).digest("base64url")}`;
  }
  const alg = algOf(options.signingKey);
  const input = `${b64({ alg, typ: "JWT", kid: options.kid })}.${b64(payload)}`;
  const key = createPrivateKey({ key: options.signingKey, format: "jwk" });
  const signature = sign(alg === "EdDSA" ? null : "sha256", Buffer.from(input), {
    key,
    ...(alg === "ES256" && { dsaEncoding: "ieee-p1363" as const }),
  });
  return `${input}.${signature.toString("base64url")}`;
}
