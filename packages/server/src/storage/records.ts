import type { KeyTag, Restrictions, SpendLimit } from "@portcullis/core";

/** Org-wide settings; later issues add fields beside these. */
export type OrgSettings = {
  /** Longest lifetime a client token may have (exp - iat), in seconds. Default 3600, at most 86400. */
  maxTokenTtlSeconds?: number;
  /** Calls the whole org may have open at once, whatever key started them. */
  maxConcurrentCalls?: number;
  /** Call minutes the whole org may use per day or month: bounds even a leaked private key. */
  spendLimit?: SpendLimit;
  /** Where alerts are POSTed (signed with HMAC-SHA256). */
  webhookUrl?: string;
  /** Refusals of one key within `refusalAlertWindowSeconds` that fire an alert. */
  refusalAlertThreshold?: number;
  refusalAlertWindowSeconds?: number;
};

export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 3600;

export type OrgRecord = { id: string; name: string; settings: OrgSettings; createdAt: string };

export type KeyRecord = {
  id: string;
  orgId: string;
  tag: KeyTag;
  name: string | null;
  hash: string;
  displayPrefix: string;
  /** AES-256-GCM ciphertext of the value, bound to the key id. */
  encryptedValue: string;
  restrictions: Restrictions;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Set during a rotation's grace period: the old value still works until `previousExpiresAt`. */
  previousHash: string | null;
  previousEncryptedValue: string | null;
  previousExpiresAt: string | null;
};

/** A saved assistant: its Vapi-shaped config plus identity. */
export type AssistantRecord = {
  id: string;
  orgId: string;
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
};

export type CallRecord = {
  id: string;
  orgId: string;
  type: "webCall";
  status: "queued" | "in-progress" | "ended";
  assistantId: string | null;
  assistant: Record<string, unknown> | null;
  assistantOverrides: Record<string, unknown> | null;
  metadata: Record<string, unknown> | null;
  keyId: string;
  origin: string | null;
  /** The end user (`sub` of the token that started the call), when known. */
  userId: string | null;
  createdAt: string;
  updatedAt: string;
  /** The assistant as the call runs it: the saved or inline config with the allowed overrides applied. */
  config: Record<string, unknown> | null;
  /** The origin rules of the credential that started the call; the WebSocket upgrade is held to them. */
  originRules: string[] | null;
  maxDurationSeconds: number;
  /** Set when a spend cap, not the assistant, set maxDurationSeconds: reaching it ends the call as "limit-exceeded". */
  durationLimitedBy: "spend-limit" | null;
  /** What the call holds against limits, given back when it ends. */
  reservations: Reservation[];
  startedAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  endedReason: EndedReason | null;
  messages: CallMessage[];
};

export type EndedReason =
  | "customer-ended-call"
  | "assistant-ended-call"
  | "max-duration"
  | "join-timeout"
  | "provider-error"
  | "limit-exceeded"
  | "server-shutdown"
  | "frame-too-large"
  | "frame-rate-exceeded"
  | "ended-via-api";

/** One line of a call's transcript. */
export type CallMessage = { role: "system" | "user" | "assistant"; content: string; time: string };

export type CredentialRecord = {
  id: string;
  orgId: string;
  provider: "openai";
  name: string | null;
  encryptedApiKey: string;
  createdAt: string;
};

/** An org's public key for verifying its own tokens: one JWK, or a JWKS URL fetched on demand. */
export type SigningKeyRecord = {
  id: string;
  orgId: string;
  kind: "jwk" | "jwks";
  kid: string | null;
  alg: string | null;
  jwk: Record<string, unknown> | null;
  jwksUrl: string | null;
  name: string | null;
  createdAt: string;
};

export type MemberRole = "owner" | "admin" | "viewer";

/** A person who signs in to the dashboard; belongs to one org. */
export type MemberRecord = {
  id: string;
  orgId: string;
  /** Lower-cased; unique across all orgs. */
  email: string;
  role: MemberRole;
  passwordHash: string;
  createdAt: string;
};

/** A signed-in browser: found by the SHA-256 of its cookie value. */
export type SessionRecord = {
  id: string;
  orgId: string;
  memberId: string;
  tokenHash: string;
  createdAt: string;
  lastSeenAtMs: number;
  expiresAtMs: number;
};

/** A one-time link that creates an org's first member (its owner). */
export type SetupTokenRecord = { tokenHash: string; orgId: string; createdAt: string; expiresAtMs: number };

/** A page of a list, newest first; pass `nextCursor` back to get the next page. */
export type Page<T> = { items: T[]; nextCursor: string | undefined };
export type PageQuery = { limit: number; cursor?: string | undefined };

/** A hold on a limit counter: one concurrent-call slot, or seconds against a spend cap. */
export type Reservation = { kind: "concurrency" | "spend"; scope: string; amount: number };

/** The closed list of audit event names (`resource.verb`). */
export const AUDIT_EVENTS = [
  "token.create",
  "token.update",
  "token.rotate",
  "token.revoke",
  "assistant.create",
  "assistant.update",
  "assistant.delete",
  "credential.create",
  "credential.delete",
  "signing-key.create",
  "signing-key.delete",
  "org.update",
  "member.create",
  "member.update",
  "member.password-change",
  "member.password-reset",
  "member.delete",
  "session.create",
  "session.revoke",
  "call.start",
  "call.end",
  "call.deny",
  "call.would-deny",
] as const;

export type AuditEventName = (typeof AUDIT_EVENTS)[number];

/** One audit row. Never a secret: key values, API keys and tokens are not fields here. */
export type AuditEvent = {
  id: string;
  orgId: string;
  at: string;
  event: AuditEventName;
  /** The key (or token's key) that made the change or the request, or the signed-in member (`mem_…`). */
  actorKeyId: string | null;
  /** The key the event is about (for call.*: the key that started or tried to start it). */
  keyId: string | null;
  /** The resource changed (assistant, credential, signing key, call…). */
  targetId: string | null;
  reason: string | null;
  origin: string | null;
  ip: string | null;
  userId: string | null;
  assistantId: string | null;
  callId: string | null;
  details: Record<string, unknown> | null;
};

export type AuditQuery = {
  limit: number;
  cursor?: string | undefined;
  event?: string | undefined;
  keyId?: string | undefined;
  reason?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
};

/** Allowed and refused call starts counted per minute, key, outcome, reason and origin. */
export type DecisionCount = {
  orgId: string;
  keyId: string;
  bucket: string;
  outcome: "allowed" | "refused" | "would-refuse";
  reason: string;
  origin: string;
  count: number;
};
