export type { OverrideField } from "./assistant-fields.ts";
export { ASSISTANT_FIELDS, DEFAULT_ALLOWED_OVERRIDES, OVERRIDE_FIELDS, OVERRIDE_RISKS } from "./assistant-fields.ts";
export { encodeBase62, isBase62 } from "./base62.ts";
export type { ErrorCode } from "./errors.ts";
export { ERROR_CATALOG, errorDocsUrl, isErrorCode, STATUS_TEXT } from "./errors.ts";
export type { IdKind } from "./ids.ts";
export { ID_PREFIXES, isId, newId } from "./ids.ts";
export type { KeyTag } from "./key-format.ts";
export {
  displayPrefix,
  generateKeyValue,
  hashKeyValue,
  KEY_LENGTH,
  KEY_PREFIXES,
  looksLikeKey,
  parseKeyValue,
} from "./key-format.ts";
export type { OriginMatcher, OriginRuleResult } from "./origin-rules.ts";
export {
  canonicalizeOriginRule,
  canonicalizeOriginRules,
  compileOriginRules,
  MAX_ORIGIN_RULES,
  parseRequestOrigin,
} from "./origin-rules.ts";
export type { CallRequest, CompiledPolicy, Decision, RuleName, TraceStep } from "./policy.ts";
export { compilePolicy, evaluate } from "./policy.ts";
export type { RateLimitRule, RestrictionProblem, Restrictions, RestrictionsInput, SpendLimit } from "./restrictions.ts";
export {
  MAX_ASSISTANT_RULES,
  MAX_RATE_LIMIT_RULES,
  normalizeRestrictions,
  restrictionsSchema,
} from "./restrictions.ts";
