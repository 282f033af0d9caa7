import { DEFAULT_ALLOWED_OVERRIDES, OVERRIDE_FIELDS, type OverrideField } from "./assistant-fields.ts";
import type { KeyTag } from "./key-format.ts";
import { canonicalizeOriginRules } from "./origin-rules.ts";

/**
 * Restrictions on a key, stored or carried inside a token. The first four are Vapi's
 * `TokenRestrictions`, with one deliberate difference: `allowTransientAssistant` defaults to false.
 */
export type Restrictions = {
  enabled: boolean;
  /** Absent: any origin. Canonical rules otherwise. */
  allowedOrigins?: string[];
  /** Absent: any assistant of the org. */
  allowedAssistantIds?: string[];
  allowTransientAssistant: boolean;
  allowedOverrides: OverrideField[];
  /** "report-only": origin/assistant/transient/override refusals are recorded, not enforced. Limits always are. */
  mode: "enforce" | "report-only";
  /** Rate limits on call starts. */
  rateLimits?: RateLimitRule[];
  /** Live (and queued) calls this key may have at once. */
  maxConcurrentCalls?: number;
  /** Live calls one end user (token `sub`) may have at once; anonymous callers share the key's pool. */
  maxConcurrentCallsPerUser?: number;
  /** Call minutes this key may use per day or month. */
  spendLimit?: SpendLimit;
  /** Call minutes one end user may use per day or month. */
  userSpendLimit?: SpendLimit;
  /** A ceiling on the duration of any call this key starts. */
  maxCallDurationSeconds?: number;
  /** After this instant the key is refused (KEY_EXPIRED). */
  expiresAt?: string;
  /** Anonymous callers must solve a proof-of-work challenge (GET /challenge) per call. */
  requireChallenge?: boolean;
};

export type RateLimitRule = { requests: number; windowSeconds: number; per: "key" | "ip" | "user" | "origin" };
export type SpendLimit = { minutes: number; period: "day" | "month" };

/** Restrictions as a caller sends them: every field optional. */
export type RestrictionsInput = Partial<{
  enabled: boolean;
  allowedOrigins: readonly string[] | null;
  allowedAssistantIds: readonly string[] | null;
  allowTransientAssistant: boolean;
  allowedOverrides: readonly string[];
  mode: "enforce" | "report-only";
  rateLimits: readonly RateLimitRule[];
  maxConcurrentCalls: number;
  maxConcurrentCallsPerUser: number;
  spendLimit: SpendLimit;
  userSpendLimit: SpendLimit;
  maxCallDurationSeconds: number;
  expiresAt: string;
  requireChallenge: boolean;
}>;

export const MAX_RATE_LIMIT_RULES = 10;

const spendLimitSchema = {
  type: "object",
  additionalProperties: false,
  required: ["minutes", "period"],
  properties: {
    minutes: { type: "integer", minimum: 1, maximum: 10_000_000 },
    period: { type: "string", enum: ["day", "month"] },
  },
} as const;

export const MAX_ASSISTANT_RULES = 1000;

/** JSON Schema of {@link RestrictionsInput}: the HTTP layer and the token verifier check shape with it. */
export const restrictionsSchema = {
  $id: "Restrictions",
  type: "object",
  additionalProperties: false,
  properties: {
    enabled: { type: "boolean", description: "False disables the key. Default true." },
    allowedOrigins: {
      type: ["array", "null"],
      maxItems: 100,
      items: { type: "string", maxLength: 300 },
      description:
        "Origins the key works from: https://app.example.com or https://*.example.com. Absent or empty: any origin.",
    },
    allowedAssistantIds: {
      type: ["array", "null"],
      maxItems: MAX_ASSISTANT_RULES,
      items: { type: "string", maxLength: 64 },
      description: "Saved assistants the key may start. Absent or empty: any assistant of the org.",
    },
    allowTransientAssistant: {
      type: "boolean",
      description:
        "Whether an inline assistant config may be sent. Default false; must be false when allowedAssistantIds is set.",
    },
    allowedOverrides: {
      type: "array",
      maxItems: OVERRIDE_FIELDS.length,
      items: { type: "string", enum: [...OVERRIDE_FIELDS] },
      description: 'Top-level assistantOverrides fields a caller may send. Default ["variableValues"].',
    },
    mode: {
      type: "string",
      enum: ["enforce", "report-only"],
      description:
        "report-only records what origin/assistant/transient/override rules would refuse instead of refusing. Limits are always enforced. Default enforce.",
    },
    rateLimits: {
      type: "array",
      maxItems: MAX_RATE_LIMIT_RULES,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["requests", "windowSeconds", "per"],
        properties: {
          requests: { type: "integer", minimum: 1, maximum: 1_000_000 },
          windowSeconds: { type: "integer", minimum: 1, maximum: 86_400 },
          per: { type: "string", enum: ["key", "ip", "user", "origin"] },
        },
      },
      description:
        'Limits on call starts, e.g. [{requests: 30, windowSeconds: 60, per: "key"}, {requests: 3, windowSeconds: 60, per: "ip"}].',
    },
    maxConcurrentCalls: {
      type: "integer",
      minimum: 1,
      maximum: 100_000,
      description: "Calls this key may have open at once.",
    },
    maxConcurrentCallsPerUser: {
      type: "integer",
      minimum: 1,
      maximum: 100_000,
      description: "Calls one end user (token sub) may have open at once; anonymous callers share one pool.",
    },
    spendLimit: { ...spendLimitSchema, description: "Call minutes this key may use per day or month (UTC)." },
    userSpendLimit: { ...spendLimitSchema, description: "Call minutes one end user may use per day or month (UTC)." },
    maxCallDurationSeconds: {
      type: "integer",
      minimum: 10,
      maximum: 43_200,
      description: "A ceiling on any call this key starts.",
    },
    expiresAt: {
      type: "string",
      format: "date-time",
      maxLength: 40,
      description: "The key is refused after this instant.",
    },
    requireChallenge: {
      type: "boolean",
      description: "Callers must solve a proof-of-work challenge from GET /challenge.",
    },
  },
} as const;

/** Fields that only make sense on a key used from browsers (public keys and public tokens). */
const BROWSER_ONLY = [
  "mode",
  "rateLimits",
  "maxConcurrentCalls",
  "maxConcurrentCallsPerUser",
  "spendLimit",
  "userSpendLimit",
  "maxCallDurationSeconds",
  "requireChallenge",
] as const;

/** What GET shows on a private key (`mode: "enforce"`) may be sent back unchanged. */
function isDefaultValue(field: (typeof BROWSER_ONLY)[number], value: unknown): boolean {
  return (field === "mode" && value === "enforce") || (field === "requireChallenge" && value === false);
}

export type RestrictionProblem = { field: string; message: string; code: "VALIDATION_FAILED" | "INVALID_ORIGIN_RULE" };

/**
 * Applies defaults and the rules no schema can say: canonical origin rules, no transient assistants
 * beside an assistant list, and no browser rules on a private key. Input must already match
 * {@link restrictionsSchema}.
 *
 * @example
 * normalizeRestrictions({ allowedOrigins: ["https://App.example.com/"] }, "public");
 * // { ok: true, value: { enabled: true, allowedOrigins: ["https://app.example.com"], allowTransientAssistant: false, allowedOverrides: ["variableValues"] } }
 */
export function normalizeRestrictions(
  input: RestrictionsInput | undefined,
  tag: KeyTag,
): { ok: true; value: Restrictions } | { ok: false; problem: RestrictionProblem } {
  const given = input ?? {};
  const value: Restrictions = {
    enabled: given.enabled ?? true,
    allowTransientAssistant: given.allowTransientAssistant ?? false,
    allowedOverrides: [...new Set(given.allowedOverrides ?? DEFAULT_ALLOWED_OVERRIDES)] as OverrideField[],
    mode: given.mode ?? "enforce",
  };
  if (given.expiresAt !== undefined) {
    const at = Date.parse(given.expiresAt);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(given.expiresAt) || Number.isNaN(at))
      return {
        ok: false,
        problem: {
          field: "restrictions.expiresAt",
          code: "VALIDATION_FAILED",
          message: "expiresAt must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z.",
        },
      };
    value.expiresAt = new Date(at).toISOString();
  }
  if (tag === "private") {
    // Empty lists and `false` are accepted so a client may send back the whole object it read.
    const browserRule = given.allowedOrigins?.length
      ? "allowedOrigins"
      : given.allowedAssistantIds?.length
        ? "allowedAssistantIds"
        : given.allowTransientAssistant
          ? "allowTransientAssistant"
          : given.allowedOverrides?.some((field) => !DEFAULT_ALLOWED_OVERRIDES.includes(field as OverrideField))
            ? "allowedOverrides"
            : BROWSER_ONLY.find((field) => given[field] !== undefined && !isDefaultValue(field, given[field]));
    if (browserRule)
      return {
        ok: false,
        problem: {
          field: `restrictions.${browserRule}`,
          code: "VALIDATION_FAILED",
          message: (BROWSER_ONLY as readonly string[]).includes(browserRule)
            ? `${browserRule} applies to public keys only; private keys are bounded by the org-wide limits (PATCH /org).`
            : `${browserRule} applies to public keys only: a private key must stay on your server, where origins mean nothing.`,
        },
      };
    return {
      ok: true,
      value: {
        enabled: value.enabled,
        allowTransientAssistant: false,
        allowedOverrides: [],
        mode: "enforce",
        ...(value.expiresAt && { expiresAt: value.expiresAt }),
      },
    };
  }
  if (given.allowedOrigins && given.allowedOrigins.length > 0) {
    const read = canonicalizeOriginRules(given.allowedOrigins);
    if (!read.ok)
      return {
        ok: false,
        problem: {
          field: `restrictions.allowedOrigins[${read.index}]`,
          code: "INVALID_ORIGIN_RULE",
          message: `'${read.rule}': ${read.reason}`,
        },
      };
    value.allowedOrigins = read.rules;
  }
  if (given.allowedAssistantIds && given.allowedAssistantIds.length > 0) {
    if (given.allowTransientAssistant === true)
      return {
        ok: false,
        problem: {
          field: "restrictions.allowTransientAssistant",
          code: "VALIDATION_FAILED",
          message:
            "allowTransientAssistant must be false when allowedAssistantIds is set: an inline assistant would bypass the list.",
        },
      };
    value.allowedAssistantIds = [...new Set(given.allowedAssistantIds)];
  }
  if (given.rateLimits && given.rateLimits.length > 0) value.rateLimits = given.rateLimits.map((r) => ({ ...r }));
  for (const field of ["maxConcurrentCalls", "maxConcurrentCallsPerUser", "maxCallDurationSeconds"] as const)
    if (given[field] !== undefined) value[field] = given[field];
  if (given.spendLimit) value.spendLimit = { ...given.spendLimit };
  if (given.userSpendLimit) value.userSpendLimit = { ...given.userSpendLimit };
  if (given.requireChallenge) value.requireChallenge = true;
  return { ok: true, value };
}
