import type { Generated } from "kysely";

/** Tables as Kysely sees them. Timestamps are ISO-8601 strings; JSON columns are text. */
export type Database = {
  orgs: OrgTable;
  api_keys: ApiKeyTable;
  assistants: AssistantTable;
  calls: CallTable;
  signing_keys: SigningKeyTable;
  credentials: CredentialTable;
  limit_counters: { scope: string; used: number };
  audit_events: AuditTable;
  decision_buckets: DecisionBucketTable;
  used_tokens: UsedTokenTable;
  members: MemberTable;
  sessions: SessionTable;
  setup_tokens: SetupTokenTable;
  instances: InstanceTable;
};

export type InstanceTable = { id: string; host: string; pid: number; started_at: string; last_seen: number };

export type OrgTable = {
  id: string;
  name: string;
  settings: string;
  created_at: string;
};

export type ApiKeyTable = {
  id: string;
  org_id: string;
  tag: "private" | "public";
  name: string | null;
  hash: string;
  display_prefix: string;
  encrypted_value: string;
  restrictions: string;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  previous_hash: string | null;
  previous_encrypted_value: string | null;
  previous_expires_at: string | null;
};

export type AssistantTable = {
  seq: Generated<number>;
  id: string;
  org_id: string;
  config: string;
  created_at: string;
  updated_at: string;
};

export type CallTable = {
  seq: Generated<number>;
  id: string;
  org_id: string;
  type: string;
  status: string;
  assistant_id: string | null;
  assistant: string | null;
  assistant_overrides: string | null;
  metadata: string | null;
  key_id: string;
  origin: string | null;
  user_id: string | null;
  join_token_hash: string | null;
  join_expires_at: number | null;
  origin_rules: string | null;
  config: string | null;
  max_duration_seconds: number | null;
  started_at: string | null;
  ended_at: string | null;
  duration_seconds: number | null;
  ended_reason: string | null;
  messages: string | null;
  reservations: string | null;
  duration_limited_by: string | null;
  /** The instance running the call while it is in progress (null until its session starts). */
  instance_id: string | null;
  created_at: string;
  updated_at: string;
};

export type SigningKeyTable = {
  id: string;
  org_id: string;
  kind: "jwk" | "jwks";
  kid: string | null;
  alg: string | null;
  jwk: string | null;
  jwks_url: string | null;
  name: string | null;
  created_at: string;
};

export type UsedTokenTable = {
  org_id: string;
  jti: string;
  /** Epoch milliseconds after which the row may be purged (the token has expired anyway). */
  expires_at: number;
};

export type CredentialTable = {
  id: string;
  org_id: string;
  provider: string;
  name: string | null;
  encrypted_api_key: string;
  created_at: string;
};

export type AuditTable = {
  seq: Generated<number>;
  id: string;
  org_id: string;
  at: string;
  event: string;
  actor_key_id: string | null;
  key_id: string | null;
  target_id: string | null;
  reason: string | null;
  origin: string | null;
  ip: string | null;
  user_id: string | null;
  assistant_id: string | null;
  call_id: string | null;
  details: string | null;
};

export type DecisionBucketTable = {
  org_id: string;
  key_id: string;
  /** Start of the minute, ISO-8601. */
  bucket: string;
  outcome: "allowed" | "refused" | "would-refuse";
  /** The refusal code, or "" for allowed. */
  reason: string;
  /** The request's origin, or "" when it had none. */
  origin: string;
  count: number;
};

export type MemberTable = {
  id: string;
  org_id: string;
  email: string;
  role: "owner" | "admin" | "viewer";
  /** scrypt, in the self-describing form of auth/passwords.ts; never the password. */
  password_hash: string;
  created_at: string;
};

export type SessionTable = {
  id: string;
  org_id: string;
  member_id: string;
  /** SHA-256 of the cookie value; the value itself is never stored. */
  token_hash: string;
  created_at: string;
  /** Epoch milliseconds of the last request (written at most once a minute). */
  last_seen_at: number;
  /** Epoch milliseconds: the absolute end, whatever the activity. */
  expires_at: number;
};

export type SetupTokenTable = {
  /** SHA-256 of the token in the setup link. */
  token_hash: string;
  org_id: string;
  created_at: string;
  /** Epoch milliseconds. */
  expires_at: number;
};
