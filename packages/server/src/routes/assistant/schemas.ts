/** Vapi-shaped assistant fields. Unknown top-level fields are refused; `model` and `voice` keep provider-specific fields. */
export const assistantProperties = {
  name: { type: "string", maxLength: 100 },
  firstMessage: { type: "string", maxLength: 10_000, description: "What the assistant says first." },
  model: {
    type: "object",
    required: ["provider"],
    additionalProperties: true,
    description: "The language model. Provider-specific fields are kept as given.",
    properties: {
      provider: { type: "string", minLength: 1, maxLength: 40 },
      model: { type: "string", maxLength: 200 },
      messages: {
        type: "array",
        maxItems: 200,
        items: {
          type: "object",
          required: ["role", "content"],
          additionalProperties: false,
          properties: {
            role: { type: "string", enum: ["system", "user", "assistant"] },
            content: { type: "string", maxLength: 100_000 },
          },
        },
      },
      temperature: { type: "number", minimum: 0, maximum: 2 },
      maxTokens: { type: "integer", minimum: 1, maximum: 100_000 },
    },
  },
  voice: {
    type: "object",
    required: ["provider"],
    additionalProperties: true,
    properties: {
      provider: { type: "string", minLength: 1, maxLength: 40 },
      voiceId: { type: "string", maxLength: 200 },
    },
  },
  maxDurationSeconds: { type: "integer", minimum: 10, maximum: 43_200, description: "10–43200; default 600." },
  endCallMessage: { type: "string", maxLength: 1000 },
  endCallPhrases: { type: "array", maxItems: 50, items: { type: "string", minLength: 1, maxLength: 200 } },
  metadata: { type: "object", maxProperties: 50, additionalProperties: true },
} as const;

export const DEFAULT_MAX_DURATION_SECONDS = 600;

// Saved and inline assistants only: it is not an override field (core's OVERRIDE_FIELDS), so a
// public caller could never be allowed to send it in assistantOverrides.
const firstMessageMode = {
  type: "string",
  enum: ["assistant-speaks-first", "assistant-waits-for-user"],
  description: "Whether the assistant says firstMessage as the call starts (default) or waits for the user.",
} as const;

export const assistantInput = {
  type: "object",
  additionalProperties: false,
  properties: { ...assistantProperties, firstMessageMode },
} as const;

export const assistantOverridesInput = {
  type: "object",
  additionalProperties: false,
  properties: {
    ...assistantProperties,
    variableValues: {
      type: "object",
      maxProperties: 100,
      additionalProperties: { type: ["string", "number", "boolean"], maxLength: 10_000 },
      description: "Values for {{variable}} templates in the assistant's messages.",
    },
  },
} as const;

export const assistantResponse = {
  type: "object",
  additionalProperties: true,
  properties: {
    id: { type: "string" },
    orgId: { type: "string" },
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
    ...assistantProperties,
    firstMessageMode,
  },
  required: ["id", "orgId", "createdAt", "updatedAt"],
} as const;
