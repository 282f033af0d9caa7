import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { auditEvent } from "../../audit/audit-event.ts";
import { audited } from "../../audit/audited.ts";
import type { LoginLimits } from "../../auth/session/login-limits.ts";
import { DECOY_HASH, verifyPassword } from "../../auth/session/passwords.ts";
import { csrfTokenFor, type Sessions } from "../../auth/session/sessions.ts";
import { normalizeEmail, setupOwner } from "../../domain/members.ts";
import { sendError } from "../../http/errors.ts";
import { errorResponses } from "../../http/schemas.ts";
import { clearSessionCookie, setSessionCookie } from "../../http/session-cookie.ts";
import type { MemberRecord, SessionRecord } from "../../storage/records.ts";
import type { Store } from "../../storage/store.ts";
import type { RouteDeps } from "../deps.ts";
import { passwordRoute } from "./password.ts";
import { loginBody, sessionResponse, sessionSecurity, setupBody } from "./schemas.ts";
import { signedInReader } from "./signed-in.ts";

export type SessionDeps = RouteDeps & { sessions: Sessions; loginLimits: LoginLimits };

const present = (member: Pick<MemberRecord, "id" | "email" | "role" | "orgId">, sessionToken: string) => ({
  member: { id: member.id, email: member.email, role: member.role },
  orgId: member.orgId,
  csrfToken: csrfTokenFor(sessionToken),
});

/**
 * Dashboard sign-in: first-run setup of an org's owner, sign-in with email and password, the
 * current session, sign-out, a password change. The session is an HttpOnly, SameSite=Strict cookie.
 */
export async function sessionRoutes(app: FastifyInstance, deps: SessionDeps): Promise<void> {
  const { store, clock, sessions, loginLimits } = deps;
  const { publicUrl } = deps.config;
  const signedIn = signedInReader(sessions, publicUrl);
  const common = { tags: ["session"] };

  const tooMany = (reply: FastifyReply, retryAfterSeconds: number) =>
    sendError(reply, "RATE_LIMITED", {
      message: "Too many sign-in attempts; retry after the time in the Retry-After header.",
      headers: { "retry-after": String(retryAfterSeconds) },
    });

  const sessionAudit = (member: MemberRecord, session: SessionRecord, request: FastifyRequest) =>
    auditEvent(clock, member.orgId, "session.create", {
      actorKeyId: member.id,
      targetId: session.id,
      ip: request.ip,
      details: { email: member.email, role: member.role },
    });
  /** Starts a session inside `tx` and audits it there. */
  const startSession = async (tx: Store, member: MemberRecord, request: FastifyRequest) => {
    const started = await sessions.start(member, tx);
    await tx.appendAudit(sessionAudit(member, started.session, request));
    return started.token;
  };

  app.post<{ Body: { email: string; password: string } }>(
    "/session",
    {
      schema: {
        ...common,
        summary: "Sign in to the dashboard (sets the pc_session cookie)",
        body: loginBody,
        response: { 200: sessionResponse, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email);
      const limit = await loginLimits.attempt(request.ip, email);
      if (!limit.ok) return tooMany(reply, limit.retryAfterSeconds);
      const member = await store.findMemberByEmail(email);
      // An unknown email costs the same scrypt work as a wrong password: the answers cannot be told apart.
      const valid = await verifyPassword(request.body.password, member?.passwordHash ?? DECOY_HASH);
      if (!member || !valid) return sendError(reply, "INVALID_CREDENTIALS");
      await loginLimits.succeeded(email);
      const token = await store.transaction((tx) => startSession(tx, member, request));
      setSessionCookie(reply, token, publicUrl);
      return present(member, token);
    },
  );

  app.post<{ Body: { token: string; email: string; password: string } }>(
    "/session/setup",
    {
      schema: {
        ...common,
        summary: "Create the org's owner with the one-time setup link, and sign in",
        body: setupBody,
        response: { 200: sessionResponse, ...errorResponses(400, 401, 409, 429) },
      },
    },
    async (request, reply) => {
      const limit = await loginLimits.attempt(request.ip);
      if (!limit.ok) return tooMany(reply, limit.retryAfterSeconds);
      const result = await setupOwner(store, clock, request.body, async (tx, member) => {
        await tx.appendAudit(
          auditEvent(clock, member.orgId, "member.create", {
            actorKeyId: member.id,
            targetId: member.id,
            ip: request.ip,
            details: { email: member.email, role: member.role, via: "setup-link" },
          }),
        );
        return startSession(tx, member, request);
      });
      if (result === "invalid") return sendError(reply, "SETUP_TOKEN_INVALID");
      if (result === "email-taken")
        return sendError(reply, "CONFLICT", { field: "email", message: "This email already belongs to a member." });
      setSessionCookie(reply, result.outcome, publicUrl);
      return present(result.member, result.outcome);
    },
  );

  app.get(
    "/session",
    {
      schema: {
        ...common,
        summary: "The signed-in member, their org and the session's CSRF token",
        security: sessionSecurity,
        response: { 200: sessionResponse, ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      const member = await signedIn(request, reply, { change: false });
      if (!member.ok) return member.sent;
      return present({ ...member.principal, id: member.principal.memberId }, member.token);
    },
  );

  app.delete(
    "/session",
    {
      schema: {
        ...common,
        summary: "Sign out: this session ends at once (send x-csrf-token)",
        security: sessionSecurity,
        response: { 204: { type: "null" }, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const member = await signedIn(request, reply, { change: true });
      if (!member.ok) return member.sent;
      const { principal } = member;
      await audited(
        store,
        async (tx) => ((await tx.deleteSession(principal.sessionId)) ? principal.sessionId : undefined),
        (id) =>
          auditEvent(clock, principal.orgId, "session.revoke", {
            actorKeyId: principal.memberId,
            targetId: id,
            ip: request.ip,
            details: { reason: "sign-out" },
          }),
      );
      clearSessionCookie(reply, publicUrl);
      return reply.code(204).send();
    },
  );

  await passwordRoute(app, deps);
}
