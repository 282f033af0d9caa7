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
};

/** Restrictions as a caller sends them: every field optional. */
export type RestrictionsInput = Partial<{
  enabled: boolean;
  allowedOrigins: readonly string[] | null;
  allowedAssistantIds: readonly string[] | null;
  allowTransientAssistant: boolean;
  allowedOverrides: readonly string[];
}>;

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
  },
} as const;

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
  };
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
            : undefined;
    if (browserRule)
      return {
        ok: false,
        problem: {
          field: `restrictions.${browserRule}`,
          code: "VALIDATION_FAILED",
          message: `${browserRule} applies to public keys only: a private key must stay on your server, where origins mean nothing.`,
        },
      };
    return { ok: true, value: { enabled: value.enabled, allowTransientAssistant: false, allowedOverrides: [] } };
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
  return { ok: true, value };
}
