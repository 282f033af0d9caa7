import type { KeyTag, RateLimitRule, Restrictions, SpendLimit } from "@portcullis/core";

/**
 * Restriction flags as commander parses them. A field is `undefined` when its flag was not given;
 * the `--no-…` forms give `false`.
 */
export type RestrictionFlags = {
  origin?: string[];
  /** `--no-origins`: commander's default for a lone negatable flag is true. */
  origins?: boolean;
  assistant?: string[];
  assistants?: boolean;
  allowTransient?: boolean;
  /** `--no-allow-override` gives false: no overrides at all. */
  allowOverride?: string[] | false;
  enable?: boolean;
  disable?: boolean;
  /** `keys create --disabled`. */
  disabled?: boolean;
  reportOnly?: boolean;
  enforce?: boolean;
  rateLimit?: RateLimitRule[];
  /** `--no-rate-limits`, a lone negatable flag like `--no-origins`. */
  rateLimits?: boolean;
  maxConcurrent?: number | false;
  maxConcurrentPerUser?: number | false;
  spendLimit?: SpendLimit | false;
  userSpendLimit?: SpendLimit | false;
  maxCallDuration?: number | false;
  /** An ISO date-time, already parsed. */
  expires?: string | false;
  requireChallenge?: boolean;
};

/** The restrictions object the API accepts; absent fields take the server's defaults. */
export type RestrictionsBody = {
  enabled?: boolean;
  allowedOrigins?: string[];
  allowedAssistantIds?: string[];
  allowTransientAssistant?: boolean;
  allowedOverrides?: string[];
  mode?: "enforce" | "report-only";
  rateLimits?: RateLimitRule[];
  maxConcurrentCalls?: number;
  maxConcurrentCallsPerUser?: number;
  spendLimit?: SpendLimit;
  userSpendLimit?: SpendLimit;
  maxCallDurationSeconds?: number;
  expiresAt?: string;
  requireChallenge?: boolean;
};

/** Flags whose `false` (a `--no-…` form) removes a restriction field, and the field each removes. */
const CLEARING = [
  ["origins", "allowedOrigins"],
  ["assistants", "allowedAssistantIds"],
  ["rateLimits", "rateLimits"],
  ["maxConcurrent", "maxConcurrentCalls"],
  ["maxConcurrentPerUser", "maxConcurrentCallsPerUser"],
  ["spendLimit", "spendLimit"],
  ["userSpendLimit", "userSpendLimit"],
  ["maxCallDuration", "maxCallDurationSeconds"],
  ["expires", "expiresAt"],
  // Absent and false mean the same; absent is what a private key may carry.
  ["requireChallenge", "requireChallenge"],
] as const satisfies readonly (readonly [keyof RestrictionFlags, keyof RestrictionsBody])[];

function enabledFlag(flags: RestrictionFlags): boolean | undefined {
  if (flags.disable || flags.disabled) return false;
  return flags.enable ? true : undefined;
}

function modeFlag(flags: RestrictionFlags): RestrictionsBody["mode"] {
  if (flags.reportOnly) return "report-only";
  return flags.enforce ? "enforce" : undefined;
}

/**
 * Restrictions for `keys create` and `token mint`: only what the flags say, so every other field
 * keeps the server's default (which the server documents, and which a CLI copy could drift from).
 *
 * @example
 * restrictionsFromFlags({ origin: ["https://app.example.com"] }); // { allowedOrigins: ["https://app.example.com"] }
 */
export function restrictionsFromFlags(flags: RestrictionFlags): RestrictionsBody | undefined {
  const body: RestrictionsBody = {};
  const enabled = enabledFlag(flags);
  if (enabled !== undefined) body.enabled = enabled;
  if (flags.origin) body.allowedOrigins = flags.origin;
  if (flags.assistant) body.allowedAssistantIds = flags.assistant;
  if (flags.allowTransient !== undefined) body.allowTransientAssistant = flags.allowTransient;
  if (flags.allowOverride !== undefined) body.allowedOverrides = flags.allowOverride || [];
  const mode = modeFlag(flags);
  if (mode) body.mode = mode;
  if (flags.rateLimit) body.rateLimits = flags.rateLimit;
  if (flags.maxConcurrent) body.maxConcurrentCalls = flags.maxConcurrent;
  if (flags.maxConcurrentPerUser) body.maxConcurrentCallsPerUser = flags.maxConcurrentPerUser;
  if (flags.spendLimit) body.spendLimit = flags.spendLimit;
  if (flags.userSpendLimit) body.userSpendLimit = flags.userSpendLimit;
  if (flags.maxCallDuration) body.maxCallDurationSeconds = flags.maxCallDuration;
  if (flags.expires) body.expiresAt = flags.expires;
  if (flags.requireChallenge) body.requireChallenge = true;
  return Object.keys(body).length > 0 ? body : undefined;
}

/**
 * Restrictions for `keys update`: the key's current restrictions with only the given flags
 * applied, or `undefined` when no restriction flag was given. `PATCH /token/{id}` replaces
 * restrictions whole, so the result must carry every field the key should keep.
 *
 * @example
 * applyRestrictionFlags(current, { origins: false }); // current without allowedOrigins: any origin
 */
export function applyRestrictionFlags(
  current: Restrictions,
  flags: RestrictionFlags,
  tag: KeyTag = "public",
): RestrictionsBody | undefined {
  if (!hasRestrictionFlags(flags)) return undefined;
  const next: RestrictionsBody = { ...current, ...restrictionsFromFlags(flags) };
  for (const [flag, field] of CLEARING) if (flags[flag] === false) delete next[field];
  // The server reads a private key back with mode "enforce" but refuses mode on a private key, so
  // the default is left out rather than sent back (see the CLI notes on PATCH /token).
  if (tag === "private" && next.mode === "enforce") delete next.mode;
  return next;
}

/** True when any restriction flag was given. */
export function hasRestrictionFlags(flags: RestrictionFlags): boolean {
  return restrictionsFromFlags(flags) !== undefined || CLEARING.some(([flag]) => flags[flag] === false);
}
