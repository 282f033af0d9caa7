import { createPublicKey, type JsonWebKey } from "node:crypto";
import type { Cipher } from "../../secrets/cipher.ts";
import { DEFAULT_MAX_TOKEN_TTL_SECONDS } from "../../storage/records.ts";
import type { Store } from "../../storage/store.ts";
import { type SignatureCheck, signatureCheck } from "./verifier-pool.ts";

export type Candidate = { id: string; alg: "HS256" | "ES256" | "EdDSA" | "RS256"; check: SignatureCheck };

/** A private key as its tokens need it: its verifiers (two during a rotation's grace period) and state. */
export type HsKey = {
  candidates: Candidate[];
  enabled: boolean;
  /** The private key's own expiresAt; the tokens it signed stop verifying with it. */
  expiresAtMs: number | undefined;
};

/** Everything an org's tokens need, loaded once and kept until `expiresAt` or a change here. */
export type OrgKeys = {
  orgId: string;
  maxTtlSeconds: number;
  hsKeys: Map<string, HsKey>;
  signingKeys: Map<string, Candidate>;
  jwksUrls: { id: string; url: string }[];
  expiresAt: number;
};

/**
 * Reads an org's private keys (opened with the master key, each imported once into its verifier),
 * registered signing keys and JWKS URLs. `undefined` when the org does not exist.
 */
export async function loadOrgKeys(
  deps: { store: Store; cipher: Cipher; ttlMs: number },
  orgId: string,
  now: number,
): Promise<OrgKeys | undefined> {
  const { store, cipher } = deps;
  const org = await store.getOrg(orgId);
  if (!org) return undefined;
  const hsKeys: OrgKeys["hsKeys"] = new Map();
  let graceEnds = Number.POSITIVE_INFINITY;
  for (const key of await store.listPrivateKeys(orgId)) {
    const candidates: Candidate[] = [
      { id: key.id, alg: "HS256", check: signatureCheck(cipher.open(key.encryptedValue, key.id), "HS256") },
    ];
    // During a rotation's grace period, tokens signed with the previous value still verify.
    const previousUntil = key.previousExpiresAt ? Date.parse(key.previousExpiresAt) : 0;
    if (key.previousEncryptedValue && previousUntil > now) {
      graceEnds = Math.min(graceEnds, previousUntil);
      candidates.push({
        id: key.id,
        alg: "HS256",
        check: signatureCheck(cipher.open(key.previousEncryptedValue, key.id), "HS256"),
      });
    }
    const expiresAt = key.restrictions.expiresAt;
    hsKeys.set(key.id, {
      candidates,
      enabled: key.restrictions.enabled,
      expiresAtMs: expiresAt === undefined ? undefined : Date.parse(expiresAt),
    });
  }
  const signingKeys: OrgKeys["signingKeys"] = new Map();
  const jwksUrls: OrgKeys["jwksUrls"] = [];
  for (const key of await store.listSigningKeys(orgId)) {
    if (key.kind === "jwks" && key.jwksUrl) jwksUrls.push({ id: key.id, url: key.jwksUrl });
    else if (key.jwk && key.alg && key.kid) {
      const publicKey = createPublicKey({ key: key.jwk as JsonWebKey, format: "jwk" });
      const alg = key.alg as Candidate["alg"];
      signingKeys.set(key.kid, { id: key.id, alg, check: signatureCheck(publicKey, alg) });
    }
  }
  return {
    orgId,
    maxTtlSeconds: org.settings.maxTokenTtlSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS,
    hsKeys,
    signingKeys,
    jwksUrls,
    // Reload no later than the end of a grace period, when an old value must stop verifying.
    expiresAt: Math.min(now + deps.ttlMs, graceEnds),
  };
}

/** Whether tokens signed with this private key may verify now (not disabled, not past its expiresAt). */
export function hsKeyUsable(key: HsKey, now: number): boolean {
  return key.enabled && !(key.expiresAtMs !== undefined && now >= key.expiresAtMs);
}
