import { type ErrorCode, hashKeyValue } from "@portcullis/core";
import type { Store } from "../storage/store.ts";
import { readCredential } from "./credential.ts";
import type { KeyCache, ResolvedKey } from "./key-cache.ts";

/** Who is calling: the org, the key, and what the key may do. */
export type Principal = ResolvedKey;

export type AuthResult = { ok: true; principal: Principal } | { ok: false; code: ErrorCode };

/** Called when a key is used, so `lastUsedAt` can be written in batches, off the request path. */
export type UsageRecorder = (keyId: string) => void;

/**
 * Resolves an Authorization header to a principal: format and checksum first (no lookup), then
 * the cache, then the store. Revoked keys are told apart from unknown ones so their owner knows.
 */
export function createAuthenticator(deps: { store: Store; cache: KeyCache; recordUsage: UsageRecorder }) {
  return async function authenticate(header: string | string[] | undefined): Promise<AuthResult> {
    const credential = readCredential(header);
    if (credential.kind === "missing") return { ok: false, code: "MISSING_CREDENTIAL" };
    if (credential.kind === "malformed") return { ok: false, code: "INVALID_KEY" };
    const hash = hashKeyValue(credential.value);
    let key = deps.cache.get(hash);
    if (key === "miss") key = deps.cache.put(hash, await deps.store.findKeyByHash(hash));
    if (!key) return { ok: false, code: "INVALID_KEY" };
    if (key.revoked) return { ok: false, code: "KEY_REVOKED" };
    deps.recordUsage(key.id);
    return { ok: true, principal: key };
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
