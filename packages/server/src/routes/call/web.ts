import { createHash, randomBytes } from "node:crypto";
import { type ErrorCode, newId, parseRequestOrigin } from "@portcullis/core";
import type { FastifyInstance } from "fastify";
import { checkSpendThresholds } from "../../alerts/thresholds.ts";
import { auditEvent } from "../../audit/audit-event.ts";
import { JOIN_WINDOW_MS } from "../../calls/call-runtime.ts";
import { validateModel } from "../../calls/engines/index.ts";
import { decideWebCall, describeWebCall, effectiveAssistant, type WebCallBody } from "../../domain/web-call.ts";
import { spendSingleUse } from "../../http/auth-hooks.ts";
import { reflectOrigin, registerBrowserPreflight } from "../../http/cors.ts";
import { sendError } from "../../http/errors.ts";
import { requestOrigin } from "../../http/request-origin.ts";
import { bearerSecurity, errorResponses } from "../../http/schemas.ts";
import { admitCall, releaseAll } from "../../limits/call-admission.ts";
import type { CallRecord } from "../../storage/records.ts";
import { DEFAULT_MAX_DURATION_SECONDS } from "../assistant/schemas.ts";
import type { RouteDeps } from "../deps.ts";
import { presentCall } from "./present.ts";
import { callResponse, webCallBody } from "./schemas.ts";

/** `POST /call/web`: the browser route. Public keys and public-tag tokens only. */
export async function webCallRoute(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, clock, auth, config, runtime, rates, decisions, orgs, challenges, webhooks, assistants } = deps;
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
          ...errorResponses(400, 401, 403, 404, 413, 429),
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
      const canonicalOrigin = origin === undefined ? undefined : parseRequestOrigin(origin)?.serialized;
      const user = principal.via === "token" ? principal.subject : undefined;
      const restrictions = principal.policy.restrictions;
      const facts = {
        keyId: principal.id,
        origin: canonicalOrigin ?? null,
        ip: request.ip,
        userId: user ?? null,
        assistantId: body.assistantId ?? null,
      };
      // Every refusal after authentication is counted (in memory, flushed in aggregate) and
      // sampled into the audit log; it never costs a database write of its own.
      const refuse = (code: ErrorCode, detail: Parameters<typeof sendError>[2] = {}) => {
        decisions.record(principal.orgId, principal.id, "refused", code, canonicalOrigin, () =>
          auditEvent(clock, principal.orgId, "call.deny", { ...facts, reason: code }),
        );
        return sendError(reply, code, detail);
      };

      const { decision, assistant } = await decideWebCall(
        assistants,
        principal.orgId,
        principal.policy,
        describeWebCall(body, origin),
        { explain: false },
      );
      if (!decision.allow) {
        if (decision.field === undefined) return refuse(decision.code);
        return refuse(decision.code, {
          field: `assistantOverrides.${decision.field}`,
          message: `This key may not override '${decision.field}'. The key's owner can allow it in allowedOverrides.`,
        });
      }
      if (decision.wouldDeny)
        decisions.record(principal.orgId, principal.id, "would-refuse", decision.wouldDeny.code, canonicalOrigin, () =>
          auditEvent(clock, principal.orgId, "call.would-deny", { ...facts, reason: decision.wouldDeny?.code }),
        );
      const base = assistant?.config ?? body.assistant ?? {};
      const runAs = effectiveAssistant(base, body.assistantOverrides);
      const modelProblem = validateModel(runAs.model);
      if (modelProblem)
        return sendError(reply, "VALIDATION_FAILED", {
          field: modelProblem.field,
          message: `'${modelProblem.field}' ${modelProblem.message}.`,
        });

      if (restrictions.requireChallenge) {
        if (body.challenge === undefined) return refuse("CHALLENGE_REQUIRED");
        const solved = await challenges.check(body.challenge);
        // Each solution starts one call: it is spent like a single-use token's jti.
        if (!solved.ok || !(await store.consumeTokenId(principal.orgId, solved.id, solved.expiresAtMs)))
          return refuse("CHALLENGE_INVALID");
      }

      const now = clock.now();
      // The effective maximum is the smallest of the assistant's, an allowed override's and the key's cap:
      // an override can shorten a call, never lengthen it.
      const assistantMax = Math.min(
        typeof base.maxDurationSeconds === "number" ? base.maxDurationSeconds : DEFAULT_MAX_DURATION_SECONDS,
        typeof runAs.maxDurationSeconds === "number" ? runAs.maxDurationSeconds : Number.POSITIVE_INFINITY,
      );
      const admission = await admitCall(store, rates, {
        orgId: principal.orgId,
        keyId: principal.id,
        restrictions,
        org: await orgs.get(principal.orgId),
        subject: { keyId: principal.id, ip: request.ip, user, origin: canonicalOrigin },
        wantSeconds: Math.min(assistantMax, restrictions.maxCallDurationSeconds ?? assistantMax),
        nowMs: now,
      });
      if (!admission.ok)
        return refuse(
          admission.code,
          admission.retryAfterSeconds === undefined
            ? {}
            : { headers: { "retry-after": String(admission.retryAfterSeconds) } },
        );
      // Spent only now, after every rule and limit passed: a refused request does not burn the token.
      if (!(await spendSingleUse(store, principal))) {
        await releaseAll(store, admission.reservations);
        return refuse("TOKEN_REPLAYED");
      }

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
        origin: canonicalOrigin ?? null,
        userId: user ?? null,
        config: runAs,
        // The join is held to the same origin rules, unless they are only being reported.
        originRules: restrictions.mode === "report-only" ? null : (restrictions.allowedOrigins ?? null),
        maxDurationSeconds: admission.maxDurationSeconds,
        durationLimitedBy: admission.durationLimitedBy,
        reservations: admission.reservations,
        startedAt: null,
        endedAt: null,
        durationSeconds: null,
        endedReason: null,
        messages: [],
        createdAt: at,
        updatedAt: at,
      };
      const joinExpiresAtMs = now + JOIN_WINDOW_MS;
      try {
        await store.transaction(async (tx) => {
          await tx.insertCall(call, {
            tokenHash: createHash("sha256").update(joinToken).digest("hex"),
            expiresAtMs: joinExpiresAtMs,
          });
          await tx.appendAudit(
            auditEvent(clock, call.orgId, "call.start", { ...facts, callId: call.id, actorKeyId: principal.id }),
          );
        });
      } catch (error) {
        await releaseAll(store, admission.reservations);
        throw error;
      }
      decisions.record(principal.orgId, principal.id, "allowed", "", canonicalOrigin);
      if (admission.caps.size > 0)
        checkSpendThresholds(
          store,
          webhooks,
          principal.orgId,
          principal.id,
          admission.reservations,
          admission.caps,
        ).catch((error: unknown) => request.log.warn({ err: error }, "spend alert check failed"));
      runtime.awaitJoin(call.id, joinExpiresAtMs);
      return reply
        .code(201)
        .send({ ...presentCall(call), webCallUrl: `${wsBase}/call/${call.id}/ws?token=${joinToken}` });
    },
  );
}
