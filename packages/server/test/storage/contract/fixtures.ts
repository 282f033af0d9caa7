import type { Restrictions } from "@portcullis/core";
import { afterEach, beforeEach } from "vitest";
import type {
  AssistantRecord,
  AuditEvent,
  CallRecord,
  CredentialRecord,
  DecisionCount,
  KeyRecord,
  MemberRecord,
  OrgRecord,
  SessionRecord,
  SigningKeyRecord,
} from "../../../src/storage/records.ts";
import type { Store } from "../../../src/storage/store.ts";

/** A store opened for one test, and how to put it away. */
export type OpenedStore = {
  store: Store;
  /** Closes the store, every peer, and removes whatever the store was kept in. */
  close(): Promise<void>;
  /**
   * Another Store on the same database, as a second process would open it; absent when the
   * database cannot be shared (SQLite in memory).
   */
  openPeer?: () => Promise<Store>;
};

export type OpenStore = () => Promise<OpenedStore>;

/**
 * A fresh store for every test of the enclosing `describe` (tests share no state). Read
 * `t.store` inside a test, not at definition time.
 */
export function useStore(open: OpenStore): { readonly store: Store; readonly opened: OpenedStore } {
  let opened: OpenedStore | undefined;
  beforeEach(async () => {
    opened = await open();
  });
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });
  const current = (): OpenedStore => {
    if (!opened) throw new Error("useStore: read the store inside a test");
    return opened;
  };
  return {
    get store() {
      return current().store;
    },
    get opened() {
      return current();
    },
  };
}

export const T0 = "2026-01-01T00:00:00.000Z";

/** An ISO instant `minutes` after T0: records ordered by time get distinct, sortable stamps. */
export function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

const RESTRICTIONS: Restrictions = {
  enabled: true,
  allowTransientAssistant: false,
  allowedOverrides: [],
  mode: "enforce",
};

export function orgRecord(id: string, overrides: Partial<OrgRecord> = {}): OrgRecord {
  return { id, name: `Org ${id}`, settings: {}, createdAt: T0, ...overrides };
}

export function keyRecord(orgId: string, id: string, overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id,
    orgId,
    tag: "private",
    name: `name of ${id}`,
    hash: `hash-of-${id}`,
    displayPrefix: "sk_live_abcd",
    encryptedValue: `ciphertext-of-${id}`,
    restrictions: RESTRICTIONS,
    createdAt: T0,
    updatedAt: T0,
    lastUsedAt: null,
    revokedAt: null,
    previousHash: null,
    previousEncryptedValue: null,
    previousExpiresAt: null,
    ...overrides,
  };
}

/** Creates org `id` with its first (private) key `key_<id>`; most records need their org to exist. */
export async function seedOrg(store: Store, id: string, overrides: Partial<OrgRecord> = {}): Promise<OrgRecord> {
  const org = orgRecord(id, overrides);
  await store.createOrg(org, keyRecord(id, `key_${id}`));
  return org;
}

export function assistantRecord(orgId: string, id: string, overrides: Partial<AssistantRecord> = {}): AssistantRecord {
  return { id, orgId, config: { name: id, model: { provider: "openai" } }, createdAt: T0, updatedAt: T0, ...overrides };
}

export function callRecord(orgId: string, id: string, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id,
    orgId,
    type: "webCall",
    status: "queued",
    assistantId: null,
    assistant: null,
    assistantOverrides: null,
    metadata: null,
    keyId: `key_${orgId}`,
    origin: "https://app.example.com",
    userId: null,
    createdAt: T0,
    updatedAt: T0,
    config: { name: "inline" },
    originRules: ["https://app.example.com"],
    maxDurationSeconds: 600,
    durationLimitedBy: null,
    reservations: [],
    startedAt: null,
    endedAt: null,
    durationSeconds: null,
    endedReason: null,
    messages: [],
    ...overrides,
  };
}

/** The join a queued call is inserted with: token hash `join-<id>`, valid until `expiresAtMs`. */
export function joinFor(id: string, expiresAtMs = 10_000): { tokenHash: string; expiresAtMs: number } {
  return { tokenHash: `join-${id}`, expiresAtMs };
}

export function auditEvent(orgId: string, id: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id,
    orgId,
    at: T0,
    event: "token.create",
    actorKeyId: `key_${orgId}`,
    keyId: null,
    targetId: null,
    reason: null,
    origin: null,
    ip: null,
    userId: null,
    assistantId: null,
    callId: null,
    details: null,
    ...overrides,
  };
}

export function credentialRecord(
  orgId: string,
  id: string,
  overrides: Partial<CredentialRecord> = {},
): CredentialRecord {
  return {
    id,
    orgId,
    provider: "openai",
    name: null,
    encryptedApiKey: `ciphertext-of-${id}`,
    createdAt: T0,
    ...overrides,
  };
}

export function signingKeyRecord(
  orgId: string,
  id: string,
  overrides: Partial<SigningKeyRecord> = {},
): SigningKeyRecord {
  return {
    id,
    orgId,
    kind: "jwk",
    kid: `kid-${id}`,
    alg: "ES256",
    jwk: { kty: "EC", crv: "P-256", x: "x", y: "y", kid: `kid-${id}` },
    jwksUrl: null,
    name: null,
    createdAt: T0,
    ...overrides,
  };
}

export function decisionCount(orgId: string, keyId: string, overrides: Partial<DecisionCount> = {}): DecisionCount {
  return { orgId, keyId, bucket: T0, outcome: "allowed", reason: "", origin: "", count: 1, ...overrides };
}

export function memberRecord(orgId: string, id: string, overrides: Partial<MemberRecord> = {}): MemberRecord {
  return {
    id,
    orgId,
    email: `${id}@example.com`,
    role: "admin",
    passwordHash: `scrypt-of-${id}`,
    createdAt: T0,
    ...overrides,
  };
}

export function sessionRecord(
  orgId: string,
  memberId: string,
  id: string,
  overrides: Partial<SessionRecord> = {},
): SessionRecord {
  return {
    id,
    orgId,
    memberId,
    tokenHash: `cookie-hash-of-${id}`,
    createdAt: T0,
    lastSeenAtMs: 1_000,
    expiresAtMs: 100_000,
    ...overrides,
  };
}

/** Runs `n` copies of `fn` at once; resolves with every result, in order. */
export function inParallel<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => fn(i)));
}

/** How many of `results` are `value`. */
export function count<T>(results: readonly T[], value: T): number {
  return results.filter((r) => r === value).length;
}
