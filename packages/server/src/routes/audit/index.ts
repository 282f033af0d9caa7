import type { FastifyInstance } from "fastify";
import { sendError } from "../../http/errors.ts";
import { bearerSecurity, errorResponses, idParams } from "../../http/schemas.ts";
import { AUDIT_EVENTS, type AuditEvent, type DecisionCount } from "../../storage/records.ts";
import type { RouteDeps } from "../deps.ts";
import { readPage } from "../page.ts";

const auditQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    limit: { type: "string", pattern: "^(?:[1-9]\\d{0,2}|1000)$", description: "1–1000, default 100." },
    cursor: { type: "string", maxLength: 100, pattern: "^[A-Za-z0-9_-]*$" },
    event: { type: "string", enum: [...AUDIT_EVENTS] },
    keyId: { type: "string", maxLength: 64 },
    reason: { type: "string", maxLength: 64, pattern: "^[A-Za-z_-]+$" },
    from: { type: "string", format: "date-time", description: "Events at or after this instant." },
    to: { type: "string", format: "date-time", description: "Events before this instant." },
  },
} as const;

const auditResponse = {
  type: "object",
  properties: {
    id: { type: "string" },
    at: { type: "string", format: "date-time" },
    event: { type: "string" },
    actorKeyId: { type: ["string", "null"] },
    keyId: { type: ["string", "null"] },
    targetId: { type: ["string", "null"] },
    reason: { type: ["string", "null"] },
    origin: { type: ["string", "null"] },
    ip: { type: ["string", "null"] },
    userId: { type: ["string", "null"] },
    assistantId: { type: ["string", "null"] },
    callId: { type: ["string", "null"] },
    details: { type: ["object", "null"], additionalProperties: true },
  },
  // Every column is sent, null when unset (storage/kysely/audit.ts maps the whole row).
  required: [
    "id",
    "at",
    "event",
    "actorKeyId",
    "keyId",
    "targetId",
    "reason",
    "origin",
    "ip",
    "userId",
    "assistantId",
    "callId",
    "details",
  ],
} as const;

const WINDOWS: Record<string, { ms: number; bucketMs: number }> = {
  "1h": { ms: 3_600_000, bucketMs: 60_000 },
  "24h": { ms: 86_400_000, bucketMs: 3_600_000 },
  "7d": { ms: 7 * 86_400_000, bucketMs: 86_400_000 },
};

const tallySchema = {
  type: "object",
  properties: { allowed: { type: "integer" }, refused: { type: "integer" }, wouldRefuse: { type: "integer" } },
  required: ["allowed", "refused", "wouldRefuse"],
} as const;

// summarize() builds every field, every bucket and every tally in full.
const statsResponse = {
  type: "object",
  properties: {
    keyId: { type: "string" },
    window: { type: "string" },
    from: { type: "string", format: "date-time" },
    bucketSeconds: { type: "integer" },
    totals: tallySchema,
    byReason: { type: "object", additionalProperties: { type: "integer" } },
    byOrigin: { type: "object", additionalProperties: tallySchema },
    buckets: {
      type: "array",
      items: {
        type: "object",
        properties: {
          start: { type: "string", format: "date-time" },
          allowed: { type: "integer" },
          refused: { type: "integer" },
          wouldRefuse: { type: "integer" },
          byReason: { type: "object", additionalProperties: { type: "integer" } },
        },
        required: ["start", "allowed", "refused", "wouldRefuse", "byReason"],
      },
    },
  },
  required: ["keyId", "window", "from", "bucketSeconds", "totals", "byReason", "byOrigin", "buckets"],
} as const;

type Tally = { allowed: number; refused: number; wouldRefuse: number };
const tally = (): Tally => ({ allowed: 0, refused: 0, wouldRefuse: 0 });
const field = (outcome: DecisionCount["outcome"]): keyof Tally =>
  outcome === "allowed" ? "allowed" : outcome === "refused" ? "refused" : "wouldRefuse";

/** Folds per-minute decision counts into the buckets, reasons and origins of a stats window. */
export function summarize(counts: DecisionCount[], fromMs: number, windowMs: number, bucketMs: number) {
  const buckets = Array.from({ length: Math.ceil(windowMs / bucketMs) }, (_, i) => ({
    start: new Date(fromMs + i * bucketMs).toISOString(),
    ...tally(),
    byReason: {} as Record<string, number>,
  }));
  const totals = tally();
  const byReason: Record<string, number> = {};
  const byOrigin: Record<string, Tally> = {};
  for (const c of counts) {
    const bucket = buckets[Math.floor((Date.parse(c.bucket) - fromMs) / bucketMs)];
    if (!bucket) continue;
    const f = field(c.outcome);
    bucket[f] += c.count;
    totals[f] += c.count;
    const origin = c.origin || "(none)";
    byOrigin[origin] ??= tally();
    (byOrigin[origin] as Tally)[f] += c.count;
    if (c.reason) {
      bucket.byReason[c.reason] = (bucket.byReason[c.reason] ?? 0) + c.count;
      byReason[c.reason] = (byReason[c.reason] ?? 0) + c.count;
    }
  }
  return { totals, byReason, byOrigin, buckets };
}

const presentAudit = ({ orgId: _org, ...event }: AuditEvent) => event;

/** The audit log and per-key decision statistics. */
export async function auditRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, auth, clock, decisions } = deps;
  app.addHook("onRequest", auth.requirePrivate);
  const common = { security: bearerSecurity };

  app.get<{
    Querystring: {
      limit?: string;
      cursor?: string;
      event?: string;
      keyId?: string;
      reason?: string;
      from?: string;
      to?: string;
    };
  }>(
    "/audit",
    {
      schema: {
        ...common,
        tags: ["audit"],
        summary: "The audit log, newest first, with filters",
        querystring: auditQuery,
        response: { 200: { type: "array", items: auditResponse }, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const page = readPage(request.query, reply);
      if (!page) return reply;
      // Refusals are written in batches; show the ones counted so far.
      await decisions.flush();
      const { event, keyId, reason, from, to } = request.query;
      const result = await store.listAudit(request.principal.orgId, { ...page, event, keyId, reason, from, to });
      if (result.nextCursor) reply.header("x-next-cursor", result.nextCursor);
      return result.items.map(presentAudit);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { window?: string } }>(
    "/token/:id/stats",
    {
      schema: {
        ...common,
        tags: ["token"],
        summary: "Allowed and refused call starts of a key, per reason and origin, over time",
        params: idParams,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { window: { type: "string", enum: Object.keys(WINDOWS), description: "Default 24h." } },
        },
        response: { 200: statsResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.principal;
      const key = await store.getKey(orgId, request.params.id);
      if (!key) return sendError(reply, "NOT_FOUND", { message: "No key with this ID." });
      const window = request.query.window ?? "24h";
      const { ms, bucketMs } = WINDOWS[window] as { ms: number; bucketMs: number };
      const fromMs = Math.floor((clock.now() - ms) / bucketMs + 1) * bucketMs;
      await decisions.flush();
      const counts = await store.decisionCounts(orgId, key.id, new Date(fromMs).toISOString());
      return {
        keyId: key.id,
        window,
        from: new Date(fromMs).toISOString(),
        bucketSeconds: bucketMs / 1000,
        ...summarize(counts, fromMs, ms, bucketMs),
      };
    },
  );
}
