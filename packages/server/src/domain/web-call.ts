import { type CallRequest, type CompiledPolicy, type Decision, evaluate } from "@portcullis/core";
import type { Store } from "../storage/store.ts";

/** The body of `POST /call/web` (already shape-checked by its schema). */
export type WebCallBody = {
  assistantId?: string;
  assistant?: Record<string, unknown>;
  assistantOverrides?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
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
  store: Store,
  orgId: string,
  policy: CompiledPolicy,
  request: CallRequest,
): Promise<Decision> {
  const decision = evaluate(policy, request);
  if (!decision.allow || request.assistantId === undefined) return decision;
  if (await store.assistantExists(orgId, request.assistantId)) return decision;
  // Another org's assistant answers exactly like a missing one, so IDs cannot be probed.
  return {
    allow: false,
    code: "ASSISTANT_NOT_FOUND",
    rule: "assistant",
    trace: [
      ...decision.trace,
      { rule: "assistant", outcome: "fail", detail: `${request.assistantId} does not exist in this org.` },
    ],
  };
}
