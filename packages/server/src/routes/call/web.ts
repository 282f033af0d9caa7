import { createHash, randomBytes } from "node:crypto";
import { newId, parseRequestOrigin } from "@portcullis/core";
import type { FastifyInstance } from "fastify";
import { JOIN_WINDOW_MS } from "../../calls/call-runtime.ts";
import { validateModel } from "../../calls/engines/index.ts";
import { decideWebCall, describeWebCall, effectiveAssistant, type WebCallBody } from "../../domain/web-call.ts";
import { spendSingleUse } from "../../http/auth-hooks.ts";
import { reflectOrigin, registerBrowserPreflight } from "../../http/cors.ts";
import { sendError } from "../../http/errors.ts";
import { requestOrigin } from "../../http/request-origin.ts";
import { bearerSecurity, errorResponses } from "../../http/schemas.ts";
import type { CallRecord } from "../../storage/records.ts";
import { DEFAULT_MAX_DURATION_SECONDS } from "../assistant/schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { presentCall } from "./present.ts";
import { callResponse, webCallBody } from "./schemas.ts";

/** `POST /call/web`: the browser route. Public keys and public-tag tokens only. */
export async function webCallRoute(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, clock, auth, config, runtime } = deps;
  const wsBase = config.publicUrl.replace(/^http/, "ws");
  registerBrowserPreflight(app, "/call/web");

  app.post<{ Body: WebCallBody }>(
    "/call/web",
    {
      onRequest: auth.requirePublic,
      onSend: reflectOrigin,
      schema: {
        tags: ["call"],
        security: bearerSecurity,
        summary: "Start a web call from a browser (public key or public token)",
        body: webCallBody,
        response: {
          201: { ...callResponse, properties: { ...callResponse.properties, webCallUrl: { type: "string" } } },
          ...errorResponses(400, 401, 403, 404, 413),
        },
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
      const { decision, assistant } = await decideWebCall(
        store,
        principal.orgId,
        principal.policy,
        describeWebCall(body, origin),
      );
      if (!decision.allow) {
        if (decision.field === undefined) return sendError(reply, decision.code);
        return sendError(reply, decision.code, {
          field: `assistantOverrides.${decision.field}`,
          message: `This key may not override '${decision.field}'. The key's owner can allow it in allowedOverrides.`,
        });
      }
      const runAs = effectiveAssistant(assistant?.config ?? body.assistant ?? {}, body.assistantOverrides);
      const modelProblem = validateModel(runAs.model);
      if (modelProblem)
        return sendError(reply, "VALIDATION_FAILED", {
          field: modelProblem.field,
          message: `'${modelProblem.field}' ${modelProblem.message}.`,
        });
      // Spent only now, after every rule passed: a refused request does not burn the token.
      if (!(await spendSingleUse(store, principal))) return sendError(reply, "TOKEN_REPLAYED");

      const now = clock.now();
      const at = new Date(now).toISOString();
      const joinToken = randomBytes(32).toString("base64url");
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
        config: runAs,
        originRules: principal.policy.restrictions.allowedOrigins ?? null,
        maxDurationSeconds:
          typeof runAs.maxDurationSeconds === "number" ? runAs.maxDurationSeconds : DEFAULT_MAX_DURATION_SECONDS,
        startedAt: null,
        endedAt: null,
        durationSeconds: null,
        endedReason: null,
        messages: [],
        createdAt: at,
        updatedAt: at,
      };
      const joinExpiresAtMs = now + JOIN_WINDOW_MS;
      await store.insertCall(call, {
        tokenHash: createHash("sha256").update(joinToken).digest("hex"),
        expiresAtMs: joinExpiresAtMs,
      });
      runtime.awaitJoin(call.id, joinExpiresAtMs);
      return reply
        .code(201)
        .send({ ...presentCall(call), webCallUrl: `${wsBase}/call/${call.id}/ws?token=${joinToken}` });
    },
  );
}
