import { type CompiledPolicy, compilePolicy } from "@portcullis/core";
import { LRUCache } from "lru-cache";
import type { Clock } from "../domain/clock.ts";
import type { KeyRecord } from "../storage/records.ts";

/** What a request needs of a key, with its restrictions compiled once when it is loaded. */
export type ResolvedKey = {
  id: string;
  orgId: string;
  tag: KeyRecord["tag"];
  revoked: boolean;
  policy: CompiledPolicy;
  /** Set when this value is a rotated-out one: it works until then (the grace period). */
  validUntilMs?: number;
};

/** A key as a request's principal: built once per cache fill, not per request. */
export type KeyPrincipal = ResolvedKey & { via: "key" };

type Entry = { key: KeyPrincipal; expiresAt: number };

/**
 * An in-process cache of keys by the SHA-256 of their value, bounded by lru-cache (O(1) eviction,
 * unlike deleting a Map's oldest entry), with a separate, equally bounded negative cache so a
 * flood of unknown keys costs one lookup each per TTL, not one per request. Hits `peek` (no
 * recency bookkeeping on the hot path): an entry is re-inserted, so made newest, at each TTL
 * expiry. Memory is bounded by `size`, never by how many keys exist.
 */
export class KeyCache {
  private readonly known: LRUCache<string, Entry>;
  private readonly unknown: LRUCache<string, number>;
  private readonly hashesById = new Map<string, Set<string>>();

  constructor(
    private readonly clock: Clock,
    size: number,
    private readonly ttlMs: number,
  ) {
    // Whenever a hash leaves the cache (evicted, replaced, dropped), its key stops pointing at it.
    this.known = new LRUCache({ max: size, dispose: (entry, hash) => this.unlink(entry.key.id, hash) });
    this.unknown = new LRUCache({ max: size });
  }

  /** The cached key (`undefined` value = known unknown), or `"miss"` when it must be looked up. */
  get(hash: string): KeyPrincipal | undefined | "miss" {
    const now = this.clock.now();
    const entry = this.known.peek(hash);
    if (entry) {
      if (entry.expiresAt > now) return entry.key;
      this.known.delete(hash);
      return "miss";
    }
    const unknownUntil = this.unknown.peek(hash);
    if (unknownUntil !== undefined) {
      if (unknownUntil > now) return undefined;
      this.unknown.delete(hash);
    }
    return "miss";
  }

  put(hash: string, record: KeyRecord | undefined): KeyPrincipal | undefined {
    const expiresAt = this.clock.now() + this.ttlMs;
    if (!record) {
      this.unknown.set(hash, expiresAt);
      return undefined;
    }
    const key: KeyPrincipal = {
      via: "key",
      id: record.id,
      orgId: record.orgId,
      tag: record.tag,
      revoked: record.revokedAt !== null,
      policy: compilePolicy(record.restrictions),
    };
    if (record.hash !== hash && record.previousExpiresAt) key.validUntilMs = Date.parse(record.previousExpiresAt);
    this.known.delete(hash);
    this.known.set(hash, { key, expiresAt });
    const hashes = this.hashesById.get(record.id) ?? new Set<string>();
    hashes.add(hash);
    this.hashesById.set(record.id, hashes);
    return key;
  }

  /** Drops a key after it changed (both its values, during a rotation), so the next request reads it again. */
  invalidate(keyId: string): void {
    for (const hash of [...(this.hashesById.get(keyId) ?? [])]) this.known.delete(hash);
  }

  /** Drops a hash from the negative cache, e.g. when a key with that value was just created. */
  forgetUnknown(hash: string): void {
    this.unknown.delete(hash);
  }

  get stats(): { known: number; unknown: number } {
    return { known: this.known.size, unknown: this.unknown.size };
  }

  private unlink(keyId: string, hash: string): void {
    const hashes = this.hashesById.get(keyId);
    hashes?.delete(hash);
    if (hashes?.size === 0) this.hashesById.delete(keyId);
  }
}
