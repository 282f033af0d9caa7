import type { FastifyInstance } from "fastify";
import { auditEvent } from "../../audit/audit-event.ts";
import { hashPassword, verifyPassword } from "../../auth/session/passwords.ts";
import { sendError } from "../../http/errors.ts";
import { errorResponses } from "../../http/schemas.ts";
import type { SessionDeps } from "./index.ts";
import { newPasswordField, sessionSecurity } from "./schemas.ts";
import { signedInReader } from "./signed-in.ts";

const passwordBody = {
  type: "object",
  additionalProperties: false,
  required: ["currentPassword", "newPassword"],
  properties: {
    currentPassword: { type: "string", minLength: 1, maxLength: 1024 },
    newPassword: newPasswordField,
  },
} as const;

/**
 * `POST /session/password`: the signed-in member changes their own password. The current password
 * is required (a session left open on a shared computer must not be enough to take the account
 * over), its attempts count against the sign-in limits, and every other session of the member ends:
 * whoever else knew the old password is signed out, this browser stays signed in.
 */
export async function passwordRoute(app: FastifyInstance, deps: SessionDeps): Promise<void> {
  const { store, clock, sessions, loginLimits } = deps;
  const signedIn = signedInReader(sessions, deps.config.publicUrl);

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    "/session/password",
    {
      schema: {
        tags: ["session"],
        summary: "Change your own password; your other sessions end (send x-csrf-token)",
        security: sessionSecurity,
        body: passwordBody,
        response: {
          200: {
            type: "object",
            properties: { revoked: { type: "integer", description: "How many other sessions ended." } },
            required: ["revoked"],
          },
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request, reply) => {
      const session = await signedIn(request, reply, { change: true });
      if (!session.ok) return session.sent;
      const { principal } = session;
      const limit = await loginLimits.attempt(request.ip, principal.email);
      if (!limit.ok)
        return sendError(reply, "RATE_LIMITED", {
          message: "Too many password attempts; retry after the time in the Retry-After header.",
          headers: { "retry-after": String(limit.retryAfterSeconds) },
        });
      const member = await store.getMember(principal.orgId, principal.memberId);
      if (!member || !(await verifyPassword(request.body.currentPassword, member.passwordHash)))
        return sendError(reply, "INVALID_CREDENTIALS", {
          field: "currentPassword",
          message: "The current password is wrong; the password was not changed.",
        });
      await loginLimits.succeeded(principal.email);
      const passwordHash = await hashPassword(request.body.newPassword);
      const revoked = await store.transaction(async (tx) => {
        await tx.updateMemberPassword(member.orgId, member.id, passwordHash);
        const ended = await tx.deleteMemberSessions(member.orgId, member.id, principal.sessionId);
        await tx.appendAudit(
          auditEvent(clock, member.orgId, "member.password-change", {
            actorKeyId: member.id,
            targetId: member.id,
            ip: request.ip,
            details: { email: member.email, sessionsRevoked: ended },
          }),
        );
        return ended;
      });
      return { revoked };
    },
  );
}
