import { newId } from "@portcullis/core";
import type { FastifyInstance } from "fastify";
import { auditEvent } from "../../audit/audit-event.ts";
import { audited } from "../../audit/audited.ts";
import { validateModel } from "../../calls/engines/index.ts";
import { isoAt } from "../../domain/clock.ts";
import { sendError } from "../../http/errors.ts";
import { bearerSecurity, errorResponses, idParams, pageQuery } from "../../http/schemas.ts";
import type { AssistantRecord } from "../../storage/records.ts";
import type { RouteDeps } from "../deps.ts";
import { readPage } from "../page.ts";
import { assistantInput, assistantResponse, DEFAULT_MAX_DURATION_SECONDS } from "./schemas.ts";

type AssistantBody = Record<string, unknown>;

const present = (a: AssistantRecord) => ({
  id: a.id,
  orgId: a.orgId,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
  ...a.config,
});

const common = { tags: ["assistant"], security: bearerSecurity };

/** Saved assistants: private key only, always scoped to the caller's org. */
export async function assistantRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, clock, auth, assistants } = deps;
  app.addHook("onRequest", auth.requirePrivate);

  app.post<{ Body: AssistantBody }>(
    "/assistant",
    {
      schema: {
        ...common,
        summary: "Create an assistant",
        body: assistantInput,
        response: { 201: assistantResponse, ...errorResponses(400, 401, 413) },
      },
    },
    async (request, reply) => {
      const problem = validateModel(request.body.model);
      if (problem)
        return sendError(reply, "VALIDATION_FAILED", {
          field: problem.field,
          message: `'${problem.field}' ${problem.message}.`,
        });
      const at = isoAt(clock);
      const record: AssistantRecord = {
        id: newId("assistant"),
        orgId: request.principal.orgId,
        config: { maxDurationSeconds: DEFAULT_MAX_DURATION_SECONDS, ...request.body },
        createdAt: at,
        updatedAt: at,
      };
      await audited(
        store,
        async (tx) => {
          await tx.insertAssistant(record);
          return record;
        },
        (r) =>
          auditEvent(clock, r.orgId, "assistant.create", {
            actorKeyId: request.principal.id,
            targetId: r.id,
            assistantId: r.id,
          }),
      );
      return reply.code(201).send(present(record));
    },
  );

  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    "/assistant",
    {
      schema: {
        ...common,
        summary: "List assistants, newest first",
        querystring: pageQuery,
        response: { 200: { type: "array", items: assistantResponse }, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const page = readPage(request.query, reply);
      if (!page) return reply;
      const result = await store.listAssistants(request.principal.orgId, page);
      if (result.nextCursor) reply.header("x-next-cursor", result.nextCursor);
      return result.items.map(present);
    },
  );

  app.get<{ Params: { id: string } }>(
    "/assistant/:id",
    {
      schema: {
        ...common,
        summary: "Get an assistant",
        params: idParams,
        response: { 200: assistantResponse, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const found = await store.getAssistant(request.principal.orgId, request.params.id);
      return found ? present(found) : sendError(reply, "NOT_FOUND", { message: "No assistant with this ID." });
    },
  );

  app.patch<{ Params: { id: string }; Body: AssistantBody }>(
    "/assistant/:id",
    {
      schema: {
        ...common,
        summary: "Update an assistant (each field sent replaces that field)",
        params: idParams,
        body: assistantInput,
        response: { 200: assistantResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.principal;
      const found = await store.getAssistant(orgId, request.params.id);
      if (!found) return sendError(reply, "NOT_FOUND", { message: "No assistant with this ID." });
      const problem = validateModel(request.body.model);
      if (problem)
        return sendError(reply, "VALIDATION_FAILED", {
          field: problem.field,
          message: `'${problem.field}' ${problem.message}.`,
        });
      const updated = await audited(
        store,
        (tx) => tx.updateAssistant(orgId, found.id, { ...found.config, ...request.body }, isoAt(clock)),
        (r) =>
          auditEvent(clock, r.orgId, "assistant.update", {
            actorKeyId: request.principal.id,
            targetId: r.id,
            assistantId: r.id,
            details: { fields: Object.keys(request.body) },
          }),
      );
      assistants.invalidate(orgId, request.params.id);
      return updated ? present(updated) : sendError(reply, "NOT_FOUND", { message: "No assistant with this ID." });
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/assistant/:id",
    {
      schema: {
        ...common,
        summary: "Delete an assistant",
        params: idParams,
        response: { 200: assistantResponse, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const deleted = await audited(
        store,
        (tx) => tx.deleteAssistant(request.principal.orgId, request.params.id),
        (r) =>
          auditEvent(clock, r.orgId, "assistant.delete", {
            actorKeyId: request.principal.id,
            targetId: r.id,
            assistantId: r.id,
          }),
      );
      assistants.invalidate(request.principal.orgId, request.params.id);
      return deleted ? present(deleted) : sendError(reply, "NOT_FOUND", { message: "No assistant with this ID." });
    },
  );
}
