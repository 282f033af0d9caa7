import type { ErrorCode } from "./errors.ts";
import { compileOriginRules, type OriginMatcher } from "./origin-rules.ts";
import type { Restrictions } from "./restrictions.ts";

/** Restrictions turned into matchers once, when a key is loaded or a token verified. */
export type CompiledPolicy = {
  restrictions: Restrictions;
  allowOrigin: OriginMatcher;
  assistantIds: ReadonlySet<string> | undefined;
  overrides: ReadonlySet<string>;
};

/** What a web-call request asks for, as far as restrictions care. */
export type CallRequest = {
  /** The request's `Origin` header, `undefined` when missing or sent more than once. */
  origin: string | undefined;
  /** The saved assistant, when the request names one. */
  assistantId?: string;
  /** True when the request carries an inline assistant config. */
  transient: boolean;
  /** Top-level fields of `assistantOverrides` the request sends. */
  overrideFields: readonly string[];
};

export type RuleName = "enabled" | "origin" | "assistant" | "transient" | "overrides";

/** One rule's part in a decision, for people: `portcullis check`, the dashboard's simulator. */
export type TraceStep = { rule: RuleName; outcome: "pass" | "fail" | "not-set"; detail: string };

/** A refusal is a value: the stable code, the rule that decided, and for overrides the field. */
export type Decision =
  | { allow: true; trace: TraceStep[]; wouldDeny?: { code: ErrorCode; rule: RuleName; field?: string } }
  | { allow: false; code: ErrorCode; rule: RuleName; field?: string; trace: TraceStep[] };

/**
 * Compiles restrictions into a policy; call it when a key is loaded, not per request.
 *
 * @example
 * const policy = compilePolicy({ enabled: true, allowedOrigins: ["https://app.example.com"], allowTransientAssistant: false, allowedOverrides: ["variableValues"] });
 */
export function compilePolicy(restrictions: Restrictions): CompiledPolicy {
  return {
    restrictions,
    allowOrigin: restrictions.allowedOrigins ? compileOriginRules(restrictions.allowedOrigins) : () => true,
    assistantIds: restrictions.allowedAssistantIds ? new Set(restrictions.allowedAssistantIds) : undefined,
    overrides: new Set(restrictions.allowedOverrides),
  };
}

/**
 * Decides a web-call request against a key's policy, in the order of the design: enabled, origin,
 * assistant, transient, overrides. The first failing rule decides; in report-only mode it is
 * reported as `wouldDeny` on an allow instead. The trace explains each rule to
 * the key's owner; it is never sent to the caller (it names the allowed origins).
 *
 * @example
 * evaluate(policy, { origin: "https://evil.example", assistantId: "asst_1", transient: false, overrideFields: [] });
 * // { allow: false, code: "ORIGIN_NOT_ALLOWED", rule: "origin", trace: [...] }
 */
export function evaluate(
  policy: CompiledPolicy,
  request: CallRequest,
  options: {
    /** Build the human-readable trace (default true); the request path turns it off. */
    explain?: boolean;
  } = {},
): Decision {
  const decision = enforce(policy, request, options.explain ?? true);
  // Report-only: the rules are evaluated and the refusal is reported, but the request goes on.
  // A disabled key is off, not under trial, so it still refuses.
  if (decision.allow || policy.restrictions.mode !== "report-only" || decision.code === "KEY_DISABLED") return decision;
  const { code, rule, field, trace } = decision;
  return { allow: true, trace, wouldDeny: field === undefined ? { code, rule } : { code, rule, field } };
}

const EMPTY_TRACE: readonly TraceStep[] = Object.freeze([]);

function refusal(code: ErrorCode, rule: RuleName, trace: TraceStep[], field?: string): Decision {
  return field === undefined ? { allow: false, code, rule, trace } : { allow: false, code, rule, field, trace };
}

// The trace is for people (the simulator, `portcullis check`): a real request, refused ones
// included, builds none of its strings (`explain` false leaves `steps` undefined). No closures
// here: this runs on every request.
function enforce(policy: CompiledPolicy, request: CallRequest, explain: boolean): Decision {
  const { restrictions } = policy;
  const steps: TraceStep[] | undefined = explain ? [] : undefined;
  const trace = steps ?? (EMPTY_TRACE as TraceStep[]);

  if (!restrictions.enabled) {
    steps?.push({ rule: "enabled", outcome: "fail", detail: "The key is disabled." });
    return refusal("KEY_DISABLED", "enabled", trace);
  }
  steps?.push({ rule: "enabled", outcome: "pass", detail: "The key is enabled." });

  if (!restrictions.allowedOrigins) {
    steps?.push({ rule: "origin", outcome: "not-set", detail: "No origin rule: any origin may use this key." });
  } else if (!policy.allowOrigin(request.origin)) {
    steps?.push({
      rule: "origin",
      outcome: "fail",
      detail:
        request.origin === undefined
          ? "The request has no usable Origin header (missing, null, repeated or malformed)."
          : `${request.origin} matches none of: ${restrictions.allowedOrigins.join(", ")}.`,
    });
    return refusal("ORIGIN_NOT_ALLOWED", "origin", trace);
  } else {
    steps?.push({ rule: "origin", outcome: "pass", detail: `${request.origin} matches an allowed origin rule.` });
  }

  if (request.assistantId !== undefined) {
    if (!policy.assistantIds) {
      steps?.push({ rule: "assistant", outcome: "not-set", detail: "No assistant rule: any assistant of the org." });
    } else if (!policy.assistantIds.has(request.assistantId)) {
      steps?.push({
        rule: "assistant",
        outcome: "fail",
        detail: `${request.assistantId} is not in allowedAssistantIds.`,
      });
      return refusal("ASSISTANT_NOT_ALLOWED", "assistant", trace);
    } else {
      steps?.push({ rule: "assistant", outcome: "pass", detail: `${request.assistantId} is in allowedAssistantIds.` });
    }
  }

  if (request.transient) {
    if (!restrictions.allowTransientAssistant) {
      steps?.push({ rule: "transient", outcome: "fail", detail: "allowTransientAssistant is false." });
      return refusal("TRANSIENT_ASSISTANT_NOT_ALLOWED", "transient", trace);
    }
    steps?.push({ rule: "transient", outcome: "pass", detail: "allowTransientAssistant is true." });
  }

  for (const field of request.overrideFields) {
    if (!policy.overrides.has(field)) {
      steps?.push({
        rule: "overrides",
        outcome: "fail",
        detail: `assistantOverrides.${field} is not in allowedOverrides.`,
      });
      return refusal("OVERRIDE_NOT_ALLOWED", "overrides", trace, field);
    }
  }
  if (request.overrideFields.length > 0)
    steps?.push({
      rule: "overrides",
      outcome: "pass",
      detail: `Allowed overrides: ${request.overrideFields.join(", ")}.`,
    });

  return { allow: true, trace };
}
