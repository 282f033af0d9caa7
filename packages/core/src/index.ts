export { ASSISTANT_FIELDS, DEFAULT_ALLOWED_OVERRIDES, OVERRIDE_FIELDS, OVERRIDE_RISKS } from "./assistant-fields.ts";
export type { OverrideField } from "./assistant-fields.ts";
export { encodeBase62, isBase62 } from "./base62.ts";
export { ERROR_CATALOG, STATUS_TEXT, errorDocsUrl, isErrorCode } from "./errors.ts";
export type { ErrorCode } from "./errors.ts";
export { ID_PREFIXES, isId, newId } from "./ids.ts";
export type { IdKind } from "./ids.ts";
export {
  KEY_LENGTH,
  KEY_PREFIXES,
  displayPrefix,
  generateKeyValue,
  hashKeyValue,
  looksLikeKey,
  parseKeyValue,
} from "./key-format.ts";
export type { KeyTag } from "./key-format.ts";
export {
  MAX_ORIGIN_RULES,
  canonicalizeOriginRule,
  canonicalizeOriginRules,
  compileOriginRules,
  parseRequestOrigin,
} from "./origin-rules.ts";
export type { OriginMatcher, OriginRuleResult } from "./origin-rules.ts";
export { compilePolicy, evaluate } from "./policy.ts";
export type { CallRequest, CompiledPolicy, Decision, RuleName, TraceStep } from "./policy.ts";
export { MAX_ASSISTANT_RULES, normalizeRestrictions, restrictionsSchema } from "./restrictions.ts";
export type { RestrictionProblem, Restrictions, RestrictionsInput } from "./restrictions.ts";
