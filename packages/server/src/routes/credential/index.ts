import { newId } from "@portcullis/core";
import type { FastifyInstance, FastifyReply } from "fastify";
import { auditEvent } from "../../audit/audit-event.ts";
import { audited } from "../../audit/audited.ts";
import { isoAt } from "../../domain/clock.ts";
import { sendError } from "../../http/errors.ts";
import { bearerSecurity, errorResponses, idParams } from "../../http/schemas.ts";
import type { CredentialRecord } from "../../storage/records.ts";
import type { RouteDeps } from "../deps.ts";

const createBody = {
  type: "object",
  additionalProperties: false,
  required: ["provider", "apiKey"],
  properties: {
    provider: { type: "string", enum: ["openai"] },
    apiKey: { type: "string", minLength: 1, maxLength: 500, description: "Stored encrypted; never returned." },
    name: { type: "string", minLength: 1, maxLength: 100 },
  },
} as const;

const credentialResponse = {
  type: "object",
  properties: {
    id: { type: "string" },
    orgId: { type: "string" },
    provider: { type: "string" },
    name: { type: ["string", "null"] },
    createdAt: { type: "string", format: "date-time" },
  },
  required: ["id", "orgId", "provider", "createdAt"],
} as const;

// The API key is sealed at rest and never leaves the server again, not even to its owner.
const present = (c: CredentialRecord) => ({
  id: c.id,
  orgId: c.orgId,
  provider: c.provider,
  name: c.name,
  createdAt: c.createdAt,
});

/** Provider credentials (e.g. an OpenAI API key) the org's assistants run with. */
export async function credentialRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, clock, cipher, auth } = deps;
  app.addHook("onRequest", auth.requirePrivate);
  const common = { tags: ["credential"], security: bearerSecurity };
  const notFound = (reply: FastifyReply) => sendError(reply, "NOT_FOUND", { message: "No credential with this ID." });

  app.post<{ Body: { provider: "openai"; apiKey: string; name?: string } }>(
    "/credential",
    {
      schema: {
        ...common,
        summary: "Add a provider credential",
        body: createBody,
        response: { 201: credentialResponse, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const id = newId("credential");
      const record: CredentialRecord = {
        id,
        orgId: request.principal.orgId,
        provider: request.body.provider,
        name: request.body.name ?? null,
        encryptedApiKey: cipher.seal(request.body.apiKey, id),
        createdAt: isoAt(clock),
      };
      await audited(
        store,
        async (tx) => {
          await tx.insertCredential(record);
          return record;
        },
        // The API key is never part of the event.
        (r) =>
          auditEvent(clock, r.orgId, "credential.create", {
            actorKeyId: request.principal.id,
            targetId: r.id,
            details: { provider: r.provider, name: r.name },
          }),
      );
      return reply.code(201).send(present(record));
    },
  );

  app.get(
    "/credential",
    {
      schema: {
        ...common,
        summary: "List credentials (never their keys)",
        response: { 200: { type: "array", items: credentialResponse }, ...errorResponses(401) },
      },
    },
    async (request) => (await store.listCredentials(request.principal.orgId)).map(present),
  );

  app.delete<{ Params: { id: string } }>(
    "/credential/:id",
    {
      schema: {
        ...common,
        summary: "Delete a credential",
        params: idParams,
        response: { 200: credentialResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const deleted = await audited(
        store,
        (tx) => tx.deleteCredential(request.principal.orgId, request.params.id),
        (r) =>
          auditEvent(clock, r.orgId, "credential.delete", {
            actorKeyId: request.principal.id,
            targetId: r.id,
            details: { provider: r.provider },
          }),
      );
      return deleted ? present(deleted) : notFound(reply);
    },
  );
}
