import type { FastifyReply, FastifyRequest } from "fastify";
import type { Authenticate, Principal } from "../auth/authenticate.ts";
import { csrfMatches, type Sessions } from "../auth/session/sessions.ts";
import type { Clock } from "../domain/clock.ts";
import type { Store } from "../storage/store.ts";
import { sendError } from "./errors.ts";
import { clearSessionCookie, readSessionCookie } from "./session-cookie.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** A POST that changes nothing (a simulation): a viewer may send it. It still needs the CSRF header. */
    readOnly?: boolean;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Marks a single-use token as spent; false when it already was (a replay). Atomic in the store,
 * so two processes sharing the database cannot both accept it.
 */
export async function spendSingleUse(store: Store, principal: Principal): Promise<boolean> {
  if (principal.via !== "token" || !principal.singleUse || principal.tokenId === undefined) return true;
  return store.consumeTokenId(principal.orgId, principal.tokenId, principal.expiresAtMs);
}

/** True when the restrictions in force carry an expiry that has passed. */
function expired(principal: Principal, nowMs: number): boolean {
  const at = principal.policy.restrictions.expiresAt;
  return at !== undefined && Date.parse(at) <= nowMs;
}

/**
 * onRequest hooks that authenticate before the body is even read, so a bad credential costs no
 * parsing. Private routes refuse public keys and public-tag tokens; the web-call route refuses
 * private keys and private-tag tokens (a private credential must never be in a browser).
 */
export function createAuthHooks(
  authenticate: Authenticate,
  store: Store,
  clock: Clock,
  session: { sessions: Sessions; publicUrl: string },
) {
  /**
   * A dashboard session stands in for a private key when no Authorization header is sent. A change
   * must carry the session's CSRF token (a cookie is sent by the browser on its own; the header
   * only by the dashboard's own script), and a viewer may change nothing.
   */
  async function fromSession(request: FastifyRequest, reply: FastifyReply, token: string) {
    const result = await session.sessions.resolve(token);
    if (!result.ok) {
      clearSessionCookie(reply, session.publicUrl);
      return sendError(reply, result.code);
    }
    const { principal } = result;
    if (!SAFE_METHODS.has(request.method)) {
      if (!csrfMatches(request.headers["x-csrf-token"], principal.csrfToken))
        return sendError(reply, "CSRF_TOKEN_INVALID");
      if (principal.role === "viewer" && request.routeOptions.config.readOnly !== true)
        return sendError(reply, "ROLE_FORBIDDEN", { message: "A viewer can look but not change anything." });
    }
    request.principal = principal;
  }

  return {
    async requirePrivate(request: FastifyRequest, reply: FastifyReply) {
      const header = request.headers.authorization;
      const cookie = header === undefined || header === "" ? readSessionCookie(request) : undefined;
      if (cookie !== undefined) return fromSession(request, reply, cookie);
      const result = await authenticate(request.headers.authorization);
      if (!result.ok) return sendError(reply, result.code, { message: result.message });
      const { principal } = result;
      if (principal.tag !== "private")
        return sendError(reply, principal.via === "token" ? "PRIVATE_KEY_REQUIRED" : "PUBLIC_KEY_NOT_ALLOWED_HERE");
      if (!principal.policy.restrictions.enabled) return sendError(reply, "KEY_DISABLED");
      if (expired(principal, clock.now())) return sendError(reply, "KEY_EXPIRED");
      // On server routes a single-use token is spent on its first request.
      if (!(await spendSingleUse(store, principal))) return sendError(reply, "TOKEN_REPLAYED");
      request.principal = principal;
    },
    async requirePublic(request: FastifyRequest, reply: FastifyReply) {
      const result = await authenticate(request.headers.authorization);
      if (!result.ok) return sendError(reply, result.code, { message: result.message });
      if (result.principal.tag !== "public") return sendError(reply, "PRIVATE_KEY_NOT_ALLOWED_HERE");
      if (expired(result.principal, clock.now())) return sendError(reply, "KEY_EXPIRED");
      request.principal = result.principal;
    },
  };
}

export type AuthHooks = ReturnType<typeof createAuthHooks>;
