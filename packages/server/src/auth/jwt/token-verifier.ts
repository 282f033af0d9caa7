import { createPublicKey, type JsonWebKey } from "node:crypto";
import type { ErrorCode } from "@portcullis/core";
import { LRUCache } from "lru-cache";
import type { Clock } from "../../domain/clock.ts";
import type { Cipher } from "../../secrets/cipher.ts";
import { DEFAULT_MAX_TOKEN_TTL_SECONDS } from "../../storage/records.ts";
import type { Store } from "../../storage/store.ts";
import type { ResolvedKey } from "../key-cache.ts";
import { audienceMatches, checkTimes } from "./claims.ts";
import type { JwksFetcher } from "./jwks-fetcher.ts";
import { type JwtHeader, type JwtPayload, readJwt } from "./read-jwt.ts";
import { createTokenBodyReader } from "./token-body.ts";
import { type SignatureCheck, signatureCheck } from "./verifier-pool.ts";

/** A principal that came from a token carries what the token said about its user and itself. */
export type TokenPrincipal = ResolvedKey & {
  via: "token";
  subject: string | undefined;
  tokenId: string | undefined;
  singleUse: boolean;
  expiresAtMs: number;
};

export type TokenResult = { ok: true; principal: TokenPrincipal } | { ok: false; code: ErrorCode; message?: string };

type Candidate = { id: string; alg: "HS256" | "ES256" | "EdDSA" | "RS256"; check: SignatureCheck };
type OrgEntry = {
  maxTtlSeconds: number;
  /** `expiresAtMs`: the private key's own expiresAt; the tokens it signed stop verifying with it. */
  hsKeys: Map<string, { candidates: Candidate[]; enabled: boolean; expiresAtMs: number | undefined }>;
  signingKeys: Map<string, Candidate>;
  jwksUrls: { id: string; url: string }[];
  expiresAt: number;
};

const KNOWN_ALGS = new Set(["HS256", "ES256", "EdDSA", "RS256"]);
const KID = /^[A-Za-z0-9._:-]{1,128}$/;
const ORG_ID = /^org_[A-Za-z0-9]{1,64}$/;
const MAX_ORGS_CACHED = 10_000;
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Verifies client tokens (JWTs) strictly: shape before parsing, the algorithm pinned per key,
 * `kid` choosing the key (never `jku`/`x5u`/`jwk`), signature by fast-jwt, then times, audience and
 * the restrictions inside. Everything an org's tokens need (its HS secrets, signing keys, TTL cap)
 * is loaded once per org into memory and refreshed after `ttlMs` or when it changes here.
 */
export class TokenVerifier {
  private readonly orgs = new LRUCache<string, OrgEntry>({ max: MAX_ORGS_CACHED });
  private readonly readBody = createTokenBodyReader();
  /** Tokens already verified, by their exact text; a browser reuses its token for several requests. */
  private readonly verified = new LRUCache<string, { principal: TokenPrincipal; org: OrgEntry; validUntil: number }>({
    max: VERIFIED_CACHE_SIZE,
  });

  constructor(
    private readonly deps: {
      store: Store;
      cipher: Cipher;
      clock: Clock;
      jwks: JwksFetcher;
      publicUrl: string;
      ttlMs: number;
    },
  ) {}

  /** Drops what is cached for an org after one of its keys, signing keys or settings changed. */
  invalidateOrg(orgId: string): void {
    this.orgs.delete(orgId);
  }

  async verify(token: string): Promise<TokenResult> {
    const now = this.deps.clock.now();
    const hit = this.verified.get(token);
    if (hit) {
      // A token verified before is trusted again only while nothing it relied on changed: the
      // org's cached keys are the same (no revoke, rotate or disable since), its key still usable.
      if (now < hit.validUntil && this.orgs.get(hit.principal.orgId) === hit.org && hit.org.expiresAt > now) {
        const hs = hit.org.hsKeys.get(hit.principal.id);
        if (!hs || (hs.enabled && !(hs.expiresAtMs !== undefined && now >= hs.expiresAtMs)))
          return { ok: true, principal: hit.principal };
      }
      this.verified.delete(token);
    }
    const result = await this.verifyFresh(token);
    if (result.ok) {
      const org = this.orgs.get(result.principal.orgId);
      if (org) {
        this.verified.set(token, { principal: result.principal, org, validUntil: result.principal.expiresAtMs });
      }
    }
    return result;
  }

  private async verifyFresh(token: string): Promise<TokenResult> {
    const read = readJwt(token);
    if (!read.ok) return read;
    const { header, payload } = read;
    const alg = header.alg;
    if (typeof alg !== "string" || !KNOWN_ALGS.has(alg))
      return { ok: false, code: "TOKEN_ALG_NOT_ALLOWED", message: "Accepted algorithms: HS256, ES256, EdDSA, RS256." };
    // RFC 7515 §4.1.11: a crit header names extensions the recipient must understand; we understand none.
    if (header.crit !== undefined)
      return { ok: false, code: "TOKEN_MALFORMED", message: "The crit header is not supported." };
    if (typeof payload.orgId !== "string" || !ORG_ID.test(payload.orgId))
      return { ok: false, code: "TOKEN_MISSING_ORG" };
    const org = await this.loadOrg(payload.orgId);
    if (!org) return { ok: false, code: "TOKEN_MISSING_ORG" };

    const signer = await this.verifySignature(org, header, alg, token);
    if (!signer.ok) return signer;

    const times = checkTimes(payload, this.deps.clock.now(), org.maxTtlSeconds);
    if (!times.ok) return times;
    if (!audienceMatches(payload.aud, this.deps.publicUrl)) return { ok: false, code: "TOKEN_AUDIENCE_MISMATCH" };
    const body = this.readBody(payload as JwtPayload);
    if (!body.ok) return body;
    return {
      ok: true,
      principal: {
        id: signer.keyId,
        orgId: payload.orgId,
        tag: body.tag,
        revoked: false,
        policy: body.policy,
        via: "token",
        subject: body.subject,
        tokenId: body.tokenId,
        singleUse: body.singleUse,
        expiresAtMs: times.expiresAtMs,
      },
    };
  }

  private async verifySignature(
    org: OrgEntry,
    header: JwtHeader,
    alg: string,
    token: string,
  ): Promise<{ ok: true; keyId: string } | { ok: false; code: ErrorCode; message?: string }> {
    const kid = header.kid;
    let candidates: Candidate[];
    if (kid === undefined) {
      if (alg !== "HS256")
        return {
          ok: false,
          code: "TOKEN_KEY_UNKNOWN",
          message: "Tokens signed with a signing key must name it in kid.",
        };
      const now = this.deps.clock.now();
      candidates = [...org.hsKeys.values()]
        .filter((k) => k.enabled && !(k.expiresAtMs !== undefined && now >= k.expiresAtMs))
        .flatMap((k) => k.candidates);
    } else {
      if (typeof kid !== "string" || !KID.test(kid)) return { ok: false, code: "TOKEN_KEY_UNKNOWN" };
      const hs = org.hsKeys.get(kid);
      if (hs) {
        if (!hs.enabled) return { ok: false, code: "KEY_DISABLED" };
        if (hs.expiresAtMs !== undefined && this.deps.clock.now() >= hs.expiresAtMs)
          return { ok: false, code: "KEY_EXPIRED" };
        candidates = hs.candidates;
      } else {
        const asymmetric = org.signingKeys.get(kid) ?? (await this.findInJwks(org, kid));
        if (!asymmetric) return { ok: false, code: "TOKEN_KEY_UNKNOWN" };
        candidates = [asymmetric];
      }
    }
    if (candidates.length === 0) return { ok: false, code: "TOKEN_KEY_UNKNOWN" };
    // The algorithm is the key's, never the token's choice: an HS key verifies HS256 only.
    const pinned = candidates.filter((c) => c.alg === alg);
    if (pinned.length === 0) return { ok: false, code: "TOKEN_ALG_NOT_ALLOWED" };
    for (const candidate of pinned) {
      const outcome = candidate.check(token);
      if (outcome === "ok") return { ok: true, keyId: candidate.id };
      if (outcome === "malformed") return { ok: false, code: "TOKEN_MALFORMED" };
    }
    return { ok: false, code: "TOKEN_SIGNATURE_INVALID" };
  }

  private async findInJwks(org: OrgEntry, kid: string): Promise<Candidate | undefined> {
    for (const { id, url } of org.jwksUrls) {
      const key = await this.deps.jwks.find(url, kid);
      if (key) {
        const cached = org.signingKeys.get(`${id}#${kid}`);
        if (cached) return cached;
        const candidate: Candidate = { id, alg: key.alg, check: signatureCheck(key.publicKey, key.alg) };
        org.signingKeys.set(`${id}#${kid}`, candidate);
        return candidate;
      }
    }
    return undefined;
  }

  private async loadOrg(orgId: string): Promise<OrgEntry | undefined> {
    const now = this.deps.clock.now();
    const cached = this.orgs.get(orgId);
    if (cached && cached.expiresAt > now) return cached;
    const { store, cipher } = this.deps;
    const org = await store.getOrg(orgId);
    if (!org) return undefined;
    const hsKeys: OrgEntry["hsKeys"] = new Map();
    const privateKeys = await store.listPrivateKeys(orgId);
    let graceEnds = Number.POSITIVE_INFINITY;
    for (const key of privateKeys) {
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
    const signingKeys: OrgEntry["signingKeys"] = new Map();
    const jwksUrls: OrgEntry["jwksUrls"] = [];
    for (const key of await store.listSigningKeys(orgId)) {
      if (key.kind === "jwks" && key.jwksUrl) jwksUrls.push({ id: key.id, url: key.jwksUrl });
      else if (key.jwk && key.alg && key.kid) {
        const publicKey = createPublicKey({ key: key.jwk as JsonWebKey, format: "jwk" });
        signingKeys.set(key.kid, {
          id: key.id,
          alg: key.alg as Candidate["alg"],
          check: signatureCheck(publicKey, key.alg as Candidate["alg"]),
        });
      }
    }
    const entry: OrgEntry = {
      maxTtlSeconds: org.settings.maxTokenTtlSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS,
      hsKeys,
      signingKeys,
      jwksUrls,
      // Reload no later than the end of a grace period, when an old value must stop verifying.
      expiresAt: Math.min(now + this.deps.ttlMs, graceEnds),
    };
    this.orgs.set(orgId, entry);
    return entry;
  }
}
