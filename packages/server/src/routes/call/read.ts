import type { ErrorCode } from "@portcullis/core";
import type { FastifyInstance } from "fastify";
import { sendError } from "../../http/errors.ts";
import { bearerSecurity, errorResponses, idParams } from "../../http/schemas.ts";
import type { CallRecord } from "../../storage/records.ts";
import type { RouteDeps } from "../deps.ts";
import { readPage } from "../page.ts";
import { presentCall } from "./present.ts";
import { callListQuery, callResponse } from "./schemas.ts";

/** Call records and ending calls: private key only, scoped to the caller's org. */
export async function callRecordRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, auth, runtime } = deps;
  app.addHook("onRequest", auth.requirePrivate);
  const common = { tags: ["call"], security: bearerSecurity };

  app.get<{ Querystring: { limit?: string; cursor?: string; assistantId?: string; keyId?: string } }>(
    "/call",
    {
      schema: {
        ...common,
        summary: "List calls, newest first",
        querystring: callListQuery,
        response: { 200: { type: "array", items: callResponse }, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const page = readPage(request.query, reply);
      if (!page) return reply;
      const result = await store.listCalls(request.principal.orgId, {
        ...page,
        assistantId: request.query.assistantId,
        keyId: request.query.keyId,
      });
      if (result.nextCursor) reply.header("x-next-cursor", result.nextCursor);
      return result.items.map(presentCall);
    },
  );

  app.get<{ Params: { id: string } }>(
    "/call/:id",
    {
      schema: {
        ...common,
        summary: "Get a call",
        params: idParams,
        response: { 200: callResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const call = await store.getCall(request.principal.orgId, request.params.id);
      return call ? presentCall(call) : sendError(reply, "NOT_FOUND", { message: "No call with this ID." });
    },
  );

  const endCall = async (
    orgId: string,
    id: string,
  ): Promise<{ ok: false; code: ErrorCode } | { ok: true; call: CallRecord | undefined }> => {
    const call = await store.getCall(orgId, id);
    if (!call) return { ok: false, code: "NOT_FOUND" };
    if (call.status === "ended" || !(await runtime.end(call.id, "ended-via-api")))
      return { ok: false, code: "CALL_NOT_LIVE" };
    return { ok: true, call: await store.getCall(orgId, id) };
  };

  for (const [method, url] of [
    ["DELETE", "/call/:id"],
    ["POST", "/call/:id/end"],
  ] as const) {
    app.route<{ Params: { id: string } }>({
      method,
      url,
      schema: {
        ...common,
        summary: "End a live or queued call",
        params: idParams,
        response: { 200: callResponse, ...errorResponses(400, 401, 404, 409) },
      },
      handler: async (request, reply) => {
        const result = await endCall(request.principal.orgId, request.params.id);
        if (!result.ok) return sendError(reply, result.code);
        return result.call ? presentCall(result.call) : sendError(reply, "NOT_FOUND");
      },
    });
  }
}
