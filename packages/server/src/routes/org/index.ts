import type { FastifyInstance } from "fastify";
import { auditEvent } from "../../audit/audit-event.ts";
import { audited } from "../../audit/audited.ts";
import { sendError } from "../../http/errors.ts";
import { bearerSecurity, errorResponses } from "../../http/schemas.ts";
import { DEFAULT_MAX_TOKEN_TTL_SECONDS, type OrgRecord, type OrgSettings } from "../../storage/records.ts";
import type { RouteDeps } from "../deps.ts";

export const MAX_TOKEN_TTL_CAP_SECONDS = 86_400;

const spendLimit = {
  type: ["object", "null"],
  additionalProperties: false,
  required: ["minutes", "period"],
  properties: {
    minutes: { type: "integer", minimum: 1, maximum: 10_000_000 },
    period: { type: "string", enum: ["day", "month"] },
  },
} as const;

const settingsProperties = {
  maxTokenTtlSeconds: {
    type: "integer",
    minimum: 1,
    maximum: MAX_TOKEN_TTL_CAP_SECONDS,
    description: `Longest lifetime a client token may have (exp - iat). Default ${DEFAULT_MAX_TOKEN_TTL_SECONDS}, at most ${MAX_TOKEN_TTL_CAP_SECONDS}.`,
  },
  maxConcurrentCalls: {
    type: ["integer", "null"],
    minimum: 1,
    maximum: 1_000_000,
    description: "Calls the whole org may have open at once, whatever key started them. null removes the cap.",
  },
  spendLimit: {
    ...spendLimit,
    description: "Call minutes the whole org may use per day or month (UTC). null removes the cap.",
  },
  webhookUrl: {
    type: ["string", "null"],
    maxLength: 2000,
    pattern: "^https?://",
    description: "Where alerts are POSTed, signed with HMAC-SHA256 (header portcullis-signature). null removes it.",
  },
  refusalAlertThreshold: {
    type: ["integer", "null"],
    minimum: 1,
    maximum: 10_000_000,
    description: "Alert when one key is refused this many times within refusalAlertWindowSeconds.",
  },
  refusalAlertWindowSeconds: { type: "integer", minimum: 60, maximum: 86_400, description: "Default 300." },
} as const;

const orgResponse = {
  type: "object",
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    createdAt: { type: "string", format: "date-time" },
    ...settingsProperties,
    maxTokenTtlSeconds: { type: "integer" },
    webhookSecret: { type: ["string", "null"], description: "Verify webhooks with it: HMAC-SHA256 of `<t>.<body>`." },
  },
  required: ["id", "name", "createdAt", "maxTokenTtlSeconds"],
} as const;

const updateOrgBody = { type: "object", additionalProperties: false, properties: settingsProperties } as const;

type OrgPatch = { [K in keyof OrgSettings]?: OrgSettings[K] | null };

const presentOrg = (org: OrgRecord, secret: (orgId: string) => string) => ({
  id: org.id,
  name: org.name,
  createdAt: org.createdAt,
  maxTokenTtlSeconds: org.settings.maxTokenTtlSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS,
  maxConcurrentCalls: org.settings.maxConcurrentCalls ?? null,
  spendLimit: org.settings.spendLimit ?? null,
  webhookUrl: org.settings.webhookUrl ?? null,
  refusalAlertThreshold: org.settings.refusalAlertThreshold ?? null,
  refusalAlertWindowSeconds: org.settings.refusalAlertWindowSeconds ?? 300,
  webhookSecret: org.settings.webhookUrl ? secret(org.id) : null,
});

/** The caller's org and its settings: token TTL cap, org-wide caps, alert webhook. */
export async function orgRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, tokens, auth, clock, orgs, webhookSecret } = deps;
  const present = (org: OrgRecord) => presentOrg(org, webhookSecret);
  app.addHook("onRequest", auth.requirePrivate);
  const common = { tags: ["org"], security: bearerSecurity };

  app.get(
    "/org",
    {
      schema: {
        ...common,
        summary: "Get your org and its settings",
        response: { 200: orgResponse, ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      const org = await store.getOrg(request.principal.orgId);
      return org ? present(org) : sendError(reply, "NOT_FOUND");
    },
  );

  app.patch<{ Body: OrgPatch }>(
    "/org",
    {
      schema: {
        ...common,
        summary: "Change org settings (each field sent replaces that setting; null removes it)",
        body: updateOrgBody,
        response: { 200: orgResponse, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.principal;
      const org = await store.getOrg(orgId);
      if (!org) return sendError(reply, "NOT_FOUND");
      const settings: Record<string, unknown> = { ...org.settings };
      for (const [field, value] of Object.entries(request.body)) {
        if (value === null) delete settings[field];
        else settings[field] = value;
      }
      const updated = await audited(
        store,
        (tx) => tx.updateOrgSettings(orgId, settings as OrgSettings),
        (r) =>
          auditEvent(clock, r.id, "org.update", {
            actorKeyId: request.principal.id,
            targetId: r.id,
            details: { fields: Object.keys(request.body) },
          }),
      );
      tokens.invalidateOrg(orgId);
      orgs.invalidate(orgId);
      return updated ? present(updated) : sendError(reply, "NOT_FOUND");
    },
  );
}
