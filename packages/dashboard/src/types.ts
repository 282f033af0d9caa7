export type RateLimitRule = { requests: number; windowSeconds: number; per: "key" | "ip" | "user" | "origin" };
export type SpendLimit = { minutes: number; period: "day" | "month" };

export type Restrictions = {
  enabled: boolean;
  allowedOrigins?: string[];
  allowedAssistantIds?: string[];
  allowTransientAssistant: boolean;
  allowedOverrides: string[];
  mode: "enforce" | "report-only";
  rateLimits?: RateLimitRule[];
  maxConcurrentCalls?: number;
  maxConcurrentCallsPerUser?: number;
  spendLimit?: SpendLimit;
  userSpendLimit?: SpendLimit;
  maxCallDurationSeconds?: number;
  expiresAt?: string;
  requireChallenge?: boolean;
};

export type Key = {
  id: string;
  orgId: string;
  tag: "public" | "private";
  name: string | null;
  value?: string;
  displayPrefix: string;
  restrictions: Restrictions;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
};

export type Assistant = {
  id: string;
  name?: string;
  firstMessage?: string;
  model?: { provider: string; model?: string; messages?: { role: string; content: string }[] } & Record<
    string,
    unknown
  >;
  maxDurationSeconds?: number;
  createdAt: string;
} & Record<string, unknown>;

export type TraceStep = { rule: string; outcome: string; detail?: string };
/** What a refusal names: the code, the rule and, for an override, the field. */
export type Refusal = { code: string; rule: string; field?: string };
export type CheckResult = {
  /** What a real request gets now, in the key's mode. */
  decision: "allow" | "deny";
  mode: "enforce" | "report-only";
  code?: string;
  rule?: string;
  field?: string;
  /** Report-only keys: what the rules refuse once the key is enforced. */
  wouldDeny?: Refusal;
  trace: TraceStep[];
};

export type Tally = { allowed: number; refused: number; wouldRefuse: number };
export type Stats = {
  window: string;
  bucketSeconds: number;
  totals: Tally;
  byReason: Record<string, number>;
  byOrigin: Record<string, Tally>;
  buckets: ({ start: string } & Tally)[];
};

export type AuditEvent = {
  id: string;
  at: string;
  event: string;
  actorKeyId: string | null;
  keyId: string | null;
  reason: string | null;
  origin: string | null;
  userId: string | null;
  assistantId: string | null;
  callId: string | null;
  details: Record<string, unknown> | null;
};

export type Call = {
  id: string;
  status: string;
  keyId: string;
  assistantId?: string;
  origin: string | null;
  userId?: string;
  durationSeconds: number | null;
  endedReason: string | null;
  createdAt: string;
  messages: { role: string; content: string }[];
  transcript: string;
};

export type Org = {
  id: string;
  name: string;
  maxTokenTtlSeconds: number;
  maxConcurrentCalls: number | null;
  spendLimit: SpendLimit | null;
  webhookUrl: string | null;
  refusalAlertThreshold: number | null;
  refusalAlertWindowSeconds: number;
  webhookSecret: string | null;
};

export type SigningKey = {
  id: string;
  kind: "jwk" | "jwks";
  kid: string | null;
  alg: string | null;
  jwksUrl: string | null;
  name: string | null;
  createdAt: string;
};

export type Member = { id: string; email: string; role: "owner" | "admin" | "viewer"; createdAt?: string };
export type Session = { member: Member; orgId: string; csrfToken: string };
