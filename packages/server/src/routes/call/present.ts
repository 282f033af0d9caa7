import type { CallRecord } from "../../storage/records.ts";

/** A call as the API shows it (Vapi-shaped). The join token and origin rules never leave the server. */
export function presentCall(call: CallRecord) {
  return {
    id: call.id,
    orgId: call.orgId,
    type: call.type,
    status: call.status,
    ...(call.assistantId !== null && { assistantId: call.assistantId }),
    ...(call.assistant !== null && { assistant: call.assistant }),
    ...(call.assistantOverrides !== null && { assistantOverrides: call.assistantOverrides }),
    ...(call.metadata !== null && { metadata: call.metadata }),
    keyId: call.keyId,
    origin: call.origin,
    ...(call.userId !== null && { userId: call.userId }),
    maxDurationSeconds: call.maxDurationSeconds,
    ...(call.durationLimitedBy !== null && { durationLimitedBy: call.durationLimitedBy }),
    startedAt: call.startedAt,
    endedAt: call.endedAt,
    durationSeconds: call.durationSeconds,
    endedReason: call.endedReason,
    messageCount: call.messages.length,
    messages: call.messages,
    transcript: call.messages.map((m) => `${m.role === "user" ? "User" : "AI"}: ${m.content}`).join("\n"),
    createdAt: call.createdAt,
    updatedAt: call.updatedAt,
  };
}
