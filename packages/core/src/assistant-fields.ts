/** Top-level assistant fields Portcullis stores (Vapi-shaped). */
export const ASSISTANT_FIELDS = [
  "name",
  "firstMessage",
  "model",
  "voice",
  "maxDurationSeconds",
  "endCallMessage",
  "endCallPhrases",
  "metadata",
] as const;

/**
 * Top-level fields of `assistantOverrides` a caller may send with a saved assistant: every
 * assistant field plus `variableValues` (values for `{{variable}}` templates).
 */
export const OVERRIDE_FIELDS = [...ASSISTANT_FIELDS, "variableValues"] as const;

export type OverrideField = (typeof OVERRIDE_FIELDS)[number];

/** What a public caller may override when the key's owner said nothing: only template values. */
export const DEFAULT_ALLOWED_OVERRIDES: OverrideField[] = ["variableValues"];

/** One line each on what a public caller could do with an override; shown where the owner opts in. */
export const OVERRIDE_RISKS: Record<OverrideField, string> = {
  name: "Low: changes the name shown in call records.",
  firstMessage: "Medium: the assistant greets the user with any text the caller chooses.",
  model: "High: the caller can replace the prompt and choose a costlier model.",
  voice: "Medium: the caller can pick any voice, including costlier ones.",
  maxDurationSeconds:
    "Low: the caller can shorten calls; an override never lengthens one past the assistant's maximum.",
  endCallMessage: "Low: changes what the assistant says when the call ends.",
  endCallPhrases: "Low: changes which phrases end the call.",
  metadata: "Low: the caller can attach arbitrary metadata to call records.",
  variableValues: "Low: fills {{variables}} in your prompts; the prompt itself stays yours.",
};
