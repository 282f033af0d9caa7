import type { FastifyReply, FastifyRequest } from "fastify";
import { csrfMatches, type SessionPrincipal, type Sessions } from "../../auth/session/sessions.ts";
import { sendError } from "../../http/errors.ts";
import { clearSessionCookie, readSessionCookie } from "../../http/session-cookie.ts";

/** The signed-in member and their session token, or the refusal already sent. */
export type SignedIn = { ok: true; principal: SessionPrincipal; token: string } | { ok: false; sent: FastifyReply };

/**
 * The session routes' own sign-in check (they take no API key): the cookie must name a live
 * session, or the refusal is sent and a stale cookie cleared; with `change`, the request must also
 * carry the session's CSRF token.
 */
export function signedInReader(sessions: Sessions, publicUrl: string) {
  return async function signedIn(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { change: boolean },
  ): Promise<SignedIn> {
    const token = readSessionCookie(request);
    if (token === undefined)
      return {
        ok: false,
        sent: sendError(reply, "MISSING_CREDENTIAL", { message: "Not signed in: no session cookie was sent." }),
      };
    const result = await sessions.resolve(token);
    if (!result.ok) {
      clearSessionCookie(reply, publicUrl);
      return { ok: false, sent: sendError(reply, result.code) };
    }
    if (options.change && !csrfMatches(request.headers["x-csrf-token"], result.principal.csrfToken))
      return { ok: false, sent: sendError(reply, "CSRF_TOKEN_INVALID") };
    return { ok: true, principal: result.principal, token };
  };
}
