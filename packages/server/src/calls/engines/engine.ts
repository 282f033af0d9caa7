/** One message of the conversation an engine answers. */
export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

/** An assistant's brain for one call: given the conversation so far, stream the reply in pieces. */
export type AssistantEngine = {
  reply(history: readonly ChatMessage[], signal: AbortSignal): AsyncIterable<string>;
};

/** What an engine is built from: the call's assistant config, its template values and the org's credential. */
export type EngineInput = {
  model: Record<string, unknown>;
  variables: Readonly<Record<string, string>>;
  apiKey: string | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
};

/** An engine kind: how to check a model config when it is saved, and how to build an engine for a call. */
export type EngineKind = {
  /** Whether running this engine needs an org credential (`POST /credential`). */
  credential?: "openai";
  /** A problem with the model config, as `{ field, message }`, or undefined when it is fine. */
  validate(model: Record<string, unknown>): { field: string; message: string } | undefined;
  create(input: EngineInput): AssistantEngine;
};

/** A provider failure; ends the call with endedReason "provider-error". */
export class EngineError extends Error {
  constructor(
    readonly code: "PROVIDER_ERROR" | "PROVIDER_TIMEOUT",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Fills `{{name}}` from the call's variable values. Unknown names stay as written, so a missing
 * value is visible in the transcript rather than silently blank.
 *
 * @example
 * fillTemplate("Hi {{name}}!", { name: "Ada" }); // "Hi Ada!"
 */
export function fillTemplate(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(variables, name) ? (variables[name] as string) : whole,
  );
}
