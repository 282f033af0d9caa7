import { createHash } from "node:crypto";
import { compileOriginRules } from "@portcullis/core";
import type { FastifyInstance } from "fastify";
import { sendError } from "../../http/errors.ts";
import { requestOrigin } from "../../http/request-origin.ts";
import { idParams } from "../../http/schemas.ts";
import type { CallRecord } from "../../storage/records.ts";
import type { RouteDeps } from "../deps.ts";

declare module "fastify" {
  interface FastifyRequest {
    joinedCall: CallRecord;
  }
}

/**
 * `GET /call/{id}/ws?token=…`: joins a started call over a WebSocket. The token is bound to the
 * call, single-use, and dies 60 s after the call started. CORS does not cover WebSockets, so the
 * upgrade's Origin is held to the same rules as the credential that started the call — checked
 * before the token is spent, so a page on a refused origin cannot burn a legitimate join.
 */
export async function joinCallRoute(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, clock, runtime } = deps;
  app.get<{ Params: { id: string }; Querystring: { token?: string } }>(
    "/call/:id/ws",
    {
      websocket: true,
      schema: {
        tags: ["call"],
        summary: "Join a live call (WebSocket upgrade; the URL is webCallUrl from POST /call/web)",
        params: idParams,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { token: { type: "string", maxLength: 100 } },
        },
      },
      preValidation: async (request, reply) => {
        if (request.headers.upgrade?.toLowerCase() !== "websocket")
          return sendError(reply, "WEBSOCKET_UPGRADE_REQUIRED");
        const token = request.query.token;
        if (!token) return sendError(reply, "CALL_TOKEN_INVALID");
        const call = await store.findCall(request.params.id);
        if (!call) return sendError(reply, "CALL_TOKEN_INVALID");
        if (call.originRules && !compileOriginRules(call.originRules)(requestOrigin(request)))
          return sendError(reply, "ORIGIN_NOT_ALLOWED");
        const now = clock.now();
        const claim = await store.claimCallJoin(
          call.id,
          createHash("sha256").update(token).digest("hex"),
          now,
          new Date(now).toISOString(),
        );
        if (!claim.ok)
          return sendError(reply, claim.reason === "expired" ? "CALL_TOKEN_EXPIRED" : "CALL_TOKEN_INVALID");
        request.joinedCall = claim.call;
      },
    },
    (socket, request) => {
      void runtime.attach(request.joinedCall, socket);
    },
  );
}
