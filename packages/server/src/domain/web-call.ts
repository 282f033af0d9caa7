import { type CallRequest, type CompiledPolicy, type Decision, evaluate } from "@portcullis/core";
import type { AssistantRecord } from "../storage/records.ts";

/** Where the decision finds an org's assistant: the store, or a cache in front of it. */
export type AssistantLookup = {
  /** The cached answer, or "miss" when only `get` can tell (it reads the store). */
  peek(orgId: string, id: string): AssistantRecord | undefined | "miss";
  get(orgId: string, id: string): Promise<AssistantRecord | undefined>;
};

/** The body of `POST /call/web` (already shape-checked by its schema). */
export type WebCallBody = {
  assistantId?: string;
  assistant?: Record<string, unknown>;
  assistantOverrides?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  challenge?: string;
};

/** What restrictions look at in a web-call body. */
export function describeWebCall(body: WebCallBody, origin: string | undefined): CallRequest {
  return {
    origin,
    ...(body.assistantId !== undefined && { assistantId: body.assistantId }),
    transient: body.assistant !== undefined,
    overrideFields: body.assistantOverrides ? Object.keys(body.assistantOverrides) : [],
  };
}

/**
 * The whole decision on a web call: the key's restrictions first (cheap, no I/O), then whether the
 * named assistant exists in the key's org. Used by `POST /call/web` and by the dry-run check, so
 * what the simulator says is what a real request gets.
 */
export async function decideWebCall(
  assistants: AssistantLookup,
  orgId: string,
  policy: CompiledPolicy,
  request: CallRequest,
  options: { explain?: boolean } = {},
): Promise<{ decision: Decision; assistant?: AssistantRecord }> {
  const decision = evaluate(policy, request, options);
  if (!decision.allow || request.assistantId === undefined) return { decision };
  // A cached answer (the common case) is taken without waiting for a promise.
  const cached = assistants.peek(orgId, request.assistantId);
  const assistant = cached === "miss" ? await assistants.get(orgId, request.assistantId) : cached;
  if (assistant) return { decision, assistant };
  // Another org's assistant answers exactly like a missing one, so IDs cannot be probed.
  return {
    decision: {
      allow: false,
      code: "ASSISTANT_NOT_FOUND",
      rule: "assistant",
      trace: [
        ...decision.trace,
        { rule: "assistant", outcome: "fail", detail: `${request.assistantId} does not exist in this org.` },
      ],
    },
  };
}

/** The assistant as the call runs it: saved or inline config, with the allowed overrides applied on top. */
export function effectiveAssistant(
  base: Record<string, unknown>,
  overrides: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const { variableValues: _values, ...fields } = overrides ?? {};
  return { ...base, ...fields };
}
