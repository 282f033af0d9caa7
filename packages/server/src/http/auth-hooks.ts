import type { FastifyReply, FastifyRequest } from "fastify";
import type { Authenticate, Principal } from "../auth/authenticate.ts";
import { sendError } from "./errors.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal;
  }
}

/**
 * onRequest hooks that authenticate before the body is even read, so a bad credential costs no
 * parsing. Private routes refuse public keys; the web-call route refuses private keys.
 */
export function createAuthHooks(authenticate: Authenticate) {
  return {
    async requirePrivate(request: FastifyRequest, reply: FastifyReply) {
      const result = await authenticate(request.headers.authorization);
      if (!result.ok) return sendError(reply, result.code);
      if (result.principal.tag !== "private") return sendError(reply, "PUBLIC_KEY_NOT_ALLOWED_HERE");
      if (!result.principal.policy.restrictions.enabled) return sendError(reply, "KEY_DISABLED");
      request.principal = result.principal;
    },
    async requirePublic(request: FastifyRequest, reply: FastifyReply) {
      const result = await authenticate(request.headers.authorization);
      if (!result.ok) return sendError(reply, result.code);
      if (result.principal.tag !== "public") return sendError(reply, "PRIVATE_KEY_NOT_ALLOWED_HERE");
      request.principal = result.principal;
    },
  };
}

export type AuthHooks = ReturnType<typeof createAuthHooks>;
