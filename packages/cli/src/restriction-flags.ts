import type { Restrictions } from "@portcullis/core";

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
};

/** The restrictions object the API accepts; absent fields take the server's defaults. */
export type RestrictionsBody = {
  enabled?: boolean;
  allowedOrigins?: string[];
  allowedAssistantIds?: string[];
  allowTransientAssistant?: boolean;
  allowedOverrides?: string[];
};

function enabledFlag(flags: RestrictionFlags): boolean | undefined {
  if (flags.disable || flags.disabled) return false;
  return flags.enable ? true : undefined;
}

/**
 * Restrictions for `keys create`: only what the flags say, so every other field keeps the server's
 * default (which the server documents, and which a CLI copy could drift from).
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
export function applyRestrictionFlags(current: Restrictions, flags: RestrictionFlags): RestrictionsBody | undefined {
  if (!hasRestrictionFlags(flags)) return undefined;
  const next: RestrictionsBody = { ...current, ...restrictionsFromFlags(flags) };
  if (flags.origins === false) delete next.allowedOrigins;
  if (flags.assistants === false) delete next.allowedAssistantIds;
  return next;
}

/** True when any restriction flag was given. */
export function hasRestrictionFlags(flags: RestrictionFlags): boolean {
  return restrictionsFromFlags(flags) !== undefined || flags.origins === false || flags.assistants === false;
}
