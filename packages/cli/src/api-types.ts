import type { KeyTag, Restrictions, RuleName, SpendLimit, TraceStep } from "@portcullis/core";

/** What the REST API answers, as far as the CLI reads it. `--json` prints the answers unchanged. */
export type ApiKey = {
  id: string;
  orgId: string;
  tag: KeyTag;
  name: string | null;
  /** Public keys always; private keys only in the create answer. */
  value?: string;
  displayPrefix: string;
  restrictions: Restrictions;
  createdAt: string;
  updatedAt: string;
  lastUsedAt?: string | null;
};

export type Assistant = {
  id: string;
  orgId: string;
  createdAt: string;
  updatedAt: string;
  name?: string;
  firstMessage?: string;
  [field: string]: unknown;
};

export type Call = {
  id: string;
  orgId: string;
  type: string;
  status: string;
  assistantId?: string;
  assistant?: Record<string, unknown>;
  assistantOverrides?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  keyId: string;
  origin?: string | null;
  userId?: string;
  startedAt?: string | null;
  endedAt?: string | null;
  durationSeconds?: number | null;
  endedReason?: string | null;
  createdAt: string;
  updatedAt: string;
};

/** `POST /token/{id}/check`: a dry run of a web call. `rule` is "tag" when a private key was checked. */
export type CheckResult = {
  decision: "allow" | "deny";
  code?: string;
  rule?: RuleName | "tag";
  field?: string;
  trace: (Omit<TraceStep, "rule"> & { rule: string })[];
};

/** `GET /org`: the org and its settings; null where a setting is unset. */
export type Org = {
  id: string;
  name: string;
  createdAt: string;
  maxTokenTtlSeconds: number;
  maxConcurrentCalls?: number | null;
  spendLimit?: SpendLimit | null;
  webhookUrl?: string | null;
  refusalAlertThreshold?: number | null;
  refusalAlertWindowSeconds?: number;
  /** Shown while a webhook URL is set: verify deliveries with it. */
  webhookSecret?: string | null;
};

export type Tally = { allowed: number; refused: number; wouldRefuse: number };

/** `GET /token/{id}/stats`. */
export type KeyStats = {
  keyId: string;
  window: string;
  from: string;
  bucketSeconds: number;
  totals: Tally;
  byReason: Record<string, number>;
  byOrigin: Record<string, Tally>;
  buckets: (Tally & { start: string; byReason: Record<string, number> })[];
};

/** One row of `GET /audit`. */
export type AuditEntry = {
  id: string;
  at: string;
  event: string;
  actorKeyId: string | null;
  keyId: string | null;
  targetId: string | null;
  reason: string | null;
  origin: string | null;
  ip: string | null;
  userId: string | null;
  assistantId: string | null;
  callId: string | null;
  details: Record<string, unknown> | null;
};

export type SigningKey = {
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

/** A provider credential; its API key is never returned. */
export type Credential = { id: string; orgId: string; provider: string; name: string | null; createdAt: string };
