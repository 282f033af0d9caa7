import { restrictionsSchema } from "@portcullis/core";
import { assistantInput, assistantOverridesInput } from "../assistant/schemas.ts";

const { $id: _id, ...restrictions } = restrictionsSchema;

export { restrictions as restrictionsInput };

export const tokenName = { type: "string", minLength: 1, maxLength: 100 } as const;
export const tokenTag = { type: "string", enum: ["private", "public"] } as const;

export const createTokenBody = {
  type: "object",
  additionalProperties: false,
  properties: {
    tag: { ...tokenTag, description: "Default: private." },
    name: tokenName,
    restrictions,
  },
} as const;

export const updateTokenBody = {
  type: "object",
  additionalProperties: false,
  properties: {
    tag: { ...tokenTag, description: "Cannot change; accepted when equal so a GET body can be sent back." },
    name: tokenName,
    restrictions: {
      ...restrictions,
      description: "Replaces the whole restrictions object; absent fields take their defaults.",
    },
  },
} as const;

export const tokenResponse = {
  type: "object",
  properties: {
    id: { type: "string" },
    orgId: { type: "string" },
    tag: tokenTag,
    name: { type: ["string", "null"] },
    value: { type: "string", description: "Public keys: always. Private keys: only in the create response." },
    displayPrefix: { type: "string" },
    restrictions: { type: "object", additionalProperties: true },
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
    lastUsedAt: { type: ["string", "null"], format: "date-time" },
  },
  required: ["id", "orgId", "tag", "displayPrefix", "restrictions", "createdAt", "updatedAt"],
} as const;

export const checkBody = {
  type: "object",
  additionalProperties: false,
  properties: {
    origin: { type: "string", maxLength: 300, description: "The Origin header to simulate; absent = no Origin." },
    assistantId: { type: "string", maxLength: 64 },
    assistant: assistantInput,
    assistantOverrides: assistantOverridesInput,
  },
} as const;

const RULES = ["enabled", "origin", "assistant", "transient", "overrides"] as const;
const overrideField = {
  type: "string",
  description: "For OVERRIDE_NOT_ALLOWED: the assistantOverrides field refused.",
} as const;

export const checkResponse = {
  type: "object",
  properties: {
    decision: {
      type: "string",
      enum: ["allow", "deny"],
      description: "What a real POST /call/web with this body gets now, in the key's current mode.",
    },
    mode: {
      type: "string",
      enum: ["enforce", "report-only"],
      description: "The key's mode. In report-only mode a rule's refusal is recorded as call.would-deny, not enforced.",
    },
    code: { type: "string", description: "On a deny: the error code the request is refused with (docs/errors.md)." },
    rule: {
      type: "string",
      enum: ["tag", ...RULES],
      description: "On a deny: the rule that refuses ('tag': a private key never starts a web call).",
    },
    field: overrideField,
    wouldDeny: {
      type: "object",
      description:
        "Report-only keys, on an allow: the refusal the rules give once the key is enforced. Absent when the rules pass.",
      properties: {
        code: { type: "string", description: "The error code the request would be refused with." },
        rule: { type: "string", enum: RULES, description: "The rule that would refuse." },
        field: overrideField,
      },
      required: ["code", "rule"],
    },
    trace: {
      type: "array",
      items: {
        type: "object",
        properties: { rule: { type: "string" }, outcome: { type: "string" }, detail: { type: "string" } },
        // Every step, core's and the route's own (rule "tag"), has all three.
        required: ["rule", "outcome", "detail"],
      },
    },
  },
  required: ["decision", "mode", "trace"],
} as const;

export const MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 3600;

export const rotateBody = {
  type: ["object", "null"],
  additionalProperties: false,
  properties: {
    gracePeriodSeconds: {
      type: "integer",
      minimum: 0,
      maximum: MAX_GRACE_PERIOD_SECONDS,
      description:
        "How long the old value (and HS256 tokens signed with it) keeps working. Default 0: it stops at once, as you want for a leaked key.",
    },
  },
} as const;
