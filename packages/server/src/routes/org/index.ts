import type { FastifyInstance } from "fastify";
import { sendError } from "../../http/errors.ts";
import { bearerSecurity, errorResponses } from "../../http/schemas.ts";
import { DEFAULT_MAX_TOKEN_TTL_SECONDS, type OrgRecord, type OrgSettings } from "../../storage/records.ts";
import type { RouteDeps } from "../deps.ts";

export const MAX_TOKEN_TTL_CAP_SECONDS = 86_400;

const orgResponse = {
  type: "object",
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    createdAt: { type: "string", format: "date-time" },
    maxTokenTtlSeconds: { type: "integer" },
  },
  required: ["id", "name", "createdAt", "maxTokenTtlSeconds"],
} as const;

const updateOrgBody = {
  type: "object",
  additionalProperties: false,
  properties: {
    maxTokenTtlSeconds: {
      type: "integer",
      minimum: 1,
      maximum: MAX_TOKEN_TTL_CAP_SECONDS,
      description: `Longest lifetime a client token may have (exp - iat). Default ${DEFAULT_MAX_TOKEN_TTL_SECONDS}, at most ${MAX_TOKEN_TTL_CAP_SECONDS}.`,
    },
  },
} as const;

const present = (org: OrgRecord) => ({
  id: org.id,
  name: org.name,
  createdAt: org.createdAt,
  maxTokenTtlSeconds: org.settings.maxTokenTtlSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS,
});

/** The caller's org and its settings. */
export async function orgRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, tokens, auth } = deps;
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

  app.patch<{ Body: OrgSettings }>(
    "/org",
    {
      schema: {
        ...common,
        summary: "Change org settings (each field sent replaces that setting)",
        body: updateOrgBody,
        response: { 200: orgResponse, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.principal;
      const org = await store.getOrg(orgId);
      if (!org) return sendError(reply, "NOT_FOUND");
      const updated = await store.updateOrgSettings(orgId, { ...org.settings, ...request.body });
      tokens.invalidateOrg(orgId);
      return updated ? present(updated) : sendError(reply, "NOT_FOUND");
    },
  );
}
