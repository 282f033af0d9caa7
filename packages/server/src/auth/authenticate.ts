import { type ErrorCode, hashKeyValue } from "@portcullis/core";
import type { Clock } from "../domain/clock.ts";
import type { Store } from "../storage/store.ts";
import { readCredential } from "./credential.ts";
import type { TokenPrincipal, TokenVerifier } from "./jwt/token-verifier.ts";
import type { KeyCache, KeyPrincipal } from "./key-cache.ts";
import type { SessionPrincipal } from "./session/sessions.ts";

/**
 * Who is calling: the org, the key (or signing key), what it may do, and how it was presented —
 * or, on private routes, a dashboard member signed in with a session cookie.
 */
export type Principal = KeyPrincipal | TokenPrincipal | SessionPrincipal;

export type AuthResult = { ok: true; principal: Principal } | { ok: false; code: ErrorCode; message?: string };

/** Called when a key is used, so `lastUsedAt` can be written in batches, off the request path. */
export type UsageRecorder = (keyId: string) => void;

/**
 * Resolves an Authorization header to a principal. Keys: format and checksum first (no lookup),
 * then the cache, then the store; revoked and rotated-out values are told apart from unknown ones
 * so their owner knows. Tokens: the token verifier.
 */
export function createAuthenticator(deps: {
  store: Store;
  cache: KeyCache;
  tokens: TokenVerifier;
  clock: Clock;
  recordUsage: UsageRecorder;
}) {
  return async function authenticate(header: string | string[] | undefined): Promise<AuthResult> {
    const credential = readCredential(header);
    if (credential.kind === "missing") return { ok: false, code: "MISSING_CREDENTIAL" };
    if (credential.kind === "malformed") return { ok: false, code: "INVALID_KEY" };
    if (credential.kind === "token") {
      const verified = await deps.tokens.verify(credential.token);
      if (verified.ok) deps.recordUsage(verified.principal.id);
      return verified;
    }
    const hash = hashKeyValue(credential.value);
    let key = deps.cache.get(hash);
    if (key === "miss") key = deps.cache.put(hash, await deps.store.findKeyByHash(hash));
    if (!key) return { ok: false, code: "INVALID_KEY" };
    if (key.revoked) return { ok: false, code: "KEY_REVOKED" };
    if (key.validUntilMs !== undefined && deps.clock.now() >= key.validUntilMs)
      return { ok: false, code: "KEY_ROTATED" };
    deps.recordUsage(key.id);
    return { ok: true, principal: key };
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
