import { assistantInput, assistantOverridesInput } from "../assistant/schemas.ts";

export const webCallBody = {
  type: "object",
  additionalProperties: false,
  properties: {
    assistantId: { type: "string", minLength: 1, maxLength: 64, description: "A saved assistant of the key's org." },
    assistant: { ...assistantInput, description: "An inline (transient) assistant; refused unless the key allows it." },
    assistantOverrides: {
      ...assistantOverridesInput,
      description: "Per-call changes to the assistant; each field must be in the key's allowedOverrides.",
    },
    metadata: { type: "object", maxProperties: 50, additionalProperties: true },
    challenge: {
      type: "string",
      maxLength: 4000,
      description: "A solved GET /challenge (base64 ALTCHA payload), when the key requires one.",
    },
  },
} as const;

export const callResponse = {
  type: "object",
  properties: {
    id: { type: "string" },
    orgId: { type: "string" },
    type: { type: "string", enum: ["webCall"] },
    status: { type: "string", enum: ["queued", "in-progress", "ended"] },
    assistantId: { type: "string" },
    assistant: { type: "object", additionalProperties: true },
    assistantOverrides: { type: "object", additionalProperties: true },
    metadata: { type: "object", additionalProperties: true },
    keyId: { type: "string" },
    origin: { type: ["string", "null"] },
    userId: { type: "string", description: "The end user: `sub` of the token that started the call." },
    maxDurationSeconds: { type: "integer" },
    durationLimitedBy: {
      type: "string",
      enum: ["spend-limit"],
      description:
        "Present when a spend cap, not the assistant, set maxDurationSeconds (the call then ends as limit-exceeded).",
    },
    startedAt: { type: ["string", "null"], format: "date-time" },
    endedAt: { type: ["string", "null"], format: "date-time" },
    durationSeconds: { type: ["number", "null"] },
    endedReason: { type: ["string", "null"] },
    messageCount: { type: "integer" },
    messages: {
      type: "array",
      items: {
        type: "object",
        properties: {
          role: { type: "string" },
          content: { type: "string" },
          time: { type: "string", format: "date-time" },
        },
      },
    },
    transcript: { type: "string" },
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
  },
  required: ["id", "orgId", "type", "status", "keyId", "createdAt", "updatedAt"],
} as const;

export const callListQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    limit: { type: "string", pattern: "^(?:[1-9]\\d{0,2}|1000)$", description: "1–1000, default 100." },
    cursor: { type: "string", maxLength: 100, pattern: "^[A-Za-z0-9_-]*$" },
    assistantId: { type: "string", maxLength: 64 },
    keyId: {
      type: "string",
      maxLength: 68,
      pattern: "^key_[A-Za-z0-9]+$",
      description: "Only calls started with this key (or a token signed with it). Another org's key matches nothing.",
    },
  },
} as const;
