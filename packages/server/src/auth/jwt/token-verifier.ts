import type { ErrorCode } from "@portcullis/core";
import { LRUCache } from "lru-cache";
import type { Clock } from "../../domain/clock.ts";
import type { Cipher } from "../../secrets/cipher.ts";
import type { Store } from "../../storage/store.ts";
import type { ResolvedKey } from "../key-cache.ts";
import { audienceMatches, checkTimes } from "./claims.ts";
import type { JwksFetcher } from "./jwks-fetcher.ts";
import { type Candidate, hsKeyUsable, loadOrgKeys, type OrgKeys } from "./org-keys.ts";
import {
  type JwtHeader,
  type JwtParts,
  type JwtPayload,
  payloadHasDuplicateKeys,
  readJwtParts,
  readPayload,
} from "./read-jwt.ts";
import { SecondSight } from "./second-sight.ts";
import { createTokenBodyReader } from "./token-body.ts";
import { signatureCheck } from "./verifier-pool.ts";

/** A principal that came from a token carries what the token said about its user and itself. */
export type TokenPrincipal = ResolvedKey & {
  via: "token";
  subject: string | undefined;
  tokenId: string | undefined;
  singleUse: boolean;
  expiresAtMs: number;
};

export type TokenResult = { ok: true; principal: TokenPrincipal } | { ok: false; code: ErrorCode; message?: string };
type Refused = Extract<TokenResult, { ok: false }>;
type VerifiedToken = { token: string; principal: TokenPrincipal; org: OrgKeys; validUntil: number };

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
  private readonly orgs = new LRUCache<string, OrgKeys>({ max: MAX_ORGS_CACHED });
  /** Private key ID → its org's loaded keys, for tokens whose `kid` names a key already loaded. */
  private readonly orgOfHsKey = new LRUCache<string, OrgKeys>({ max: 10 * MAX_ORGS_CACHED });
  private readonly readBody = createTokenBodyReader();
  private readonly headers = new LRUCache<string, JwtHeader>({ max: 1000 });
  /**
   * Tokens already verified; a browser reuses its token for several requests. Looked up by the
   * signature part (short, so cheap to hash) and trusted only when the whole text is the same.
   * A token enters it when it verifies for the second time (`SecondSight`).
   */
  private readonly verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_CACHE_SIZE });
  private readonly secondSight = new SecondSight();

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
    const signatureAt = token.lastIndexOf(".") + 1;
    // Only a token seen before can be in the cache, and only one seen before is put there: a
    // never-seen token skips the cache both ways.
    const signature = this.secondSight.seenBefore(token, signatureAt) ? token.slice(signatureAt) : undefined;
    if (signature !== undefined) {
      const hit = this.verified.peek(signature);
      if (hit && hit.token === token) {
        // A token verified before is trusted again only while nothing it relied on changed: the
        // org's cached keys are the same (no revoke, rotate or disable since), its key still usable.
        if (now < hit.validUntil && this.isCurrent(hit.org, now)) {
          const hs = hit.org.hsKeys.get(hit.principal.id);
          if (!hs || hsKeyUsable(hs, now)) return { ok: true, principal: hit.principal };
        }
        this.verified.delete(signature);
      }
    }
    const fresh = this.verifyFresh(token, now);
    const result = fresh instanceof Promise ? await fresh : fresh;
    if (result.ok && signature !== undefined) {
      const org = this.orgs.peek(result.principal.orgId);
      if (org)
        this.verified.set(signature, {
          token,
          principal: result.principal,
          org,
          validUntil: result.principal.expiresAtMs,
        });
    }
    return result;
  }

  private isCurrent(org: OrgKeys, now: number): boolean {
    return this.orgs.peek(org.orgId) === org && org.expiresAt > now;
  }

  /** Synchronous when the token is decided without loading anything (the common case). */
  private verifyFresh(token: string, now: number): TokenResult | Promise<TokenResult> {
    const parts = readJwtParts(token, this.headers);
    if (!parts.ok) return parts;
    const { header } = parts;
    const alg = header.alg;
    if (typeof alg !== "string" || !KNOWN_ALGS.has(alg))
      return { ok: false, code: "TOKEN_ALG_NOT_ALLOWED", message: "Accepted algorithms: HS256, ES256, EdDSA, RS256." };
    // RFC 7515 §4.1.11: a crit header names extensions the recipient must understand; we understand none.
    if (header.crit !== undefined)
      return { ok: false, code: "TOKEN_MALFORMED", message: "The crit header is not supported." };
    return (alg === "HS256" && this.acceptWithLoadedKey(token, parts, now)) || this.verifyInFull(token, parts, alg);
  }

  /**
   * The common case without parsing the payload twice: `kid` names a private key whose org is
   * loaded, so the signature library verifies and parses in one pass. Only a token that passes
   * every check is answered here; anything else (`undefined`) goes through `verifyInFull`, which
   * alone decides refusals, so both paths refuse alike.
   */
  private acceptWithLoadedKey(token: string, parts: JwtParts, now: number): TokenResult | undefined {
    const kid = parts.header.kid;
    if (typeof kid !== "string") return undefined;
    const org = this.orgOfHsKey.peek(kid);
    if (!org || !this.isCurrent(org, now)) return undefined;
    const key = org.hsKeys.get(kid);
    if (!key || !hsKeyUsable(key, now)) return undefined;
    for (const candidate of key.candidates) {
      const payload = candidate.check(token);
      if (typeof payload !== "object") continue;
      if (payload.orgId !== org.orgId || payloadHasDuplicateKeys(parts.payloadSegment, payload)) return undefined;
      const accepted = this.accept(org, kid, payload, now);
      return accepted.ok ? accepted : undefined;
    }
    return undefined;
  }

  private async verifyInFull(token: string, parts: JwtParts, alg: string): Promise<TokenResult> {
    const read = readPayload(parts.payloadSegment);
    if (!read.ok) return read;
    const { payload } = read;
    if (typeof payload.orgId !== "string" || !ORG_ID.test(payload.orgId))
      return { ok: false, code: "TOKEN_MISSING_ORG" };
    const org = await this.loadOrg(payload.orgId);
    if (!org) return { ok: false, code: "TOKEN_MISSING_ORG" };
    const signer = await this.verifySignature(org, parts.header, alg, token);
    if (!signer.ok) return signer;
    return this.accept(org, signer.keyId, payload, this.deps.clock.now());
  }

  /** What follows a good signature: times, audience, then the `token` claim's restrictions. */
  private accept(org: OrgKeys, keyId: string, payload: JwtPayload, now: number): TokenResult {
    const times = checkTimes(payload, now, org.maxTtlSeconds);
    if (!times.ok) return times;
    if (!audienceMatches(payload.aud, this.deps.publicUrl)) return { ok: false, code: "TOKEN_AUDIENCE_MISMATCH" };
    const body = this.readBody(payload);
    if (!body.ok) return body;
    return {
      ok: true,
      principal: {
        id: keyId,
        orgId: org.orgId,
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
    org: OrgKeys,
    header: JwtHeader,
    alg: string,
    token: string,
  ): Promise<{ ok: true; keyId: string } | Refused> {
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
      candidates = [...org.hsKeys.values()].filter((k) => hsKeyUsable(k, now)).flatMap((k) => k.candidates);
    } else {
      if (typeof kid !== "string" || !KID.test(kid)) return { ok: false, code: "TOKEN_KEY_UNKNOWN" };
      const hs = org.hsKeys.get(kid);
      if (hs) {
        if (!hs.enabled) return { ok: false, code: "KEY_DISABLED" };
        if (!hsKeyUsable(hs, this.deps.clock.now())) return { ok: false, code: "KEY_EXPIRED" };
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
      if (typeof outcome === "object") return { ok: true, keyId: candidate.id };
      if (outcome === "malformed") return { ok: false, code: "TOKEN_MALFORMED" };
    }
    return { ok: false, code: "TOKEN_SIGNATURE_INVALID" };
  }

  private async findInJwks(org: OrgKeys, kid: string): Promise<Candidate | undefined> {
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

  private async loadOrg(orgId: string): Promise<OrgKeys | undefined> {
    const now = this.deps.clock.now();
    const cached = this.orgs.peek(orgId);
    if (cached && cached.expiresAt > now) return cached;
    const entry = await loadOrgKeys(this.deps, orgId, now);
    if (!entry) return undefined;
    this.orgs.set(orgId, entry);
    for (const keyId of entry.hsKeys.keys()) this.orgOfHsKey.set(keyId, entry);
    return entry;
  }
}
