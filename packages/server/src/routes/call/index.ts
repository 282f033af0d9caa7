import { newId, parseRequestOrigin } from "@portcullis/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { isoAt } from "../../domain/clock.ts";
import { decideWebCall, describeWebCall, type WebCallBody } from "../../domain/web-call.ts";
import { spendSingleUse } from "../../http/auth-hooks.ts";
import { reflectOrigin, registerBrowserPreflight } from "../../http/cors.ts";
import { sendError } from "../../http/errors.ts";
import { bearerSecurity, errorResponses, idParams } from "../../http/schemas.ts";
import type { CallRecord } from "../../storage/records.ts";
import type { RouteDeps } from "../deps.ts";
import { readPage } from "../page.ts";
import { callListQuery, callResponse, webCallBody } from "./schemas.ts";

/**
 * The request's Origin, or undefined when it is missing or was sent more than once: two Origin
 * headers are an attack or a broken proxy, and neither may match a rule.
 */
function requestOrigin(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  if (typeof origin !== "string") return undefined;
  let seen = 0;
  const raw = request.raw.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.length === 6 && raw[i]?.toLowerCase() === "origin") seen++;
  return seen === 1 ? origin : undefined;
}

/** Web calls: started from a browser with a public key, read back with a private key. */
export async function callRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, clock, auth, config } = deps;
  const wsBase = config.publicUrl.replace(/^http/, "ws");

  const present = (call: CallRecord) => ({
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
    createdAt: call.createdAt,
    updatedAt: call.updatedAt,
  });

  registerBrowserPreflight(app, "/call/web");

  app.post<{ Body: WebCallBody }>(
    "/call/web",
    {
      onRequest: auth.requirePublic,
      onSend: reflectOrigin,
      schema: {
        tags: ["call"],
        security: bearerSecurity,
        summary: "Start a web call from a browser (public key)",
        body: webCallBody,
        response: { 201: callResponse, ...errorResponses(400, 401, 403, 404, 413) },
      },
    },
    async (request, reply) => {
      const { body, principal } = request;
      if ((body.assistantId === undefined) === (body.assistant === undefined))
        return sendError(reply, "VALIDATION_FAILED", {
          field: "assistantId",
          message: "Send exactly one of 'assistantId' (a saved assistant) or 'assistant' (an inline config).",
        });
      const origin = requestOrigin(request);
      const decision = await decideWebCall(store, principal.orgId, principal.policy, describeWebCall(body, origin));
      if (!decision.allow) {
        const detail =
          decision.field === undefined
            ? {}
            : {
                field: `assistantOverrides.${decision.field}`,
                message: `This key may not override '${decision.field}'. The key's owner can allow it in allowedOverrides.`,
              };
        return sendError(reply, decision.code, detail);
      }
      // Spent only now, after every rule passed: a refused request does not burn the token.
      if (!(await spendSingleUse(store, principal))) return sendError(reply, "TOKEN_REPLAYED");
      const at = isoAt(clock);
      const call: CallRecord = {
        id: newId("call"),
        orgId: principal.orgId,
        type: "webCall",
        status: "queued",
        assistantId: body.assistantId ?? null,
        assistant: body.assistant ?? null,
        assistantOverrides: body.assistantOverrides ?? null,
        metadata: body.metadata ?? null,
        keyId: principal.id,
        origin: origin === undefined ? null : (parseRequestOrigin(origin)?.serialized ?? null),
        userId: principal.via === "token" ? (principal.subject ?? null) : null,
        createdAt: at,
        updatedAt: at,
      };
      await store.insertCall(call);
      return reply.code(201).send({ ...present(call), webCallUrl: `${wsBase}/call/${call.id}/ws` });
    },
  );

  app.register(async (privateRoutes) => {
    privateRoutes.addHook("onRequest", auth.requirePrivate);
    privateRoutes.get<{ Querystring: { limit?: string; cursor?: string; assistantId?: string } }>(
      "/call",
      {
        schema: {
          tags: ["call"],
          security: bearerSecurity,
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
        });
        if (result.nextCursor) reply.header("x-next-cursor", result.nextCursor);
        return result.items.map(present);
      },
    );
    privateRoutes.get<{ Params: { id: string } }>(
      "/call/:id",
      {
        schema: {
          tags: ["call"],
          security: bearerSecurity,
          summary: "Get a call",
          params: idParams,
          response: { 200: callResponse, ...errorResponses(400, 401, 404) },
        },
      },
      async (request, reply) => {
        const call = await store.getCall(request.principal.orgId, request.params.id);
        return call ? present(call) : sendError(reply, "NOT_FOUND", { message: "No call with this ID." });
      },
    );
  });
}
