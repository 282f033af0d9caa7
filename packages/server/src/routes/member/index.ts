import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { auditEvent } from "../../audit/audit-event.ts";
import { audited } from "../../audit/audited.ts";
import { hashPassword } from "../../auth/session/passwords.ts";
import type { SessionPrincipal } from "../../auth/session/sessions.ts";
import { setMemberPassword } from "../../domain/member-password.ts";
import { changeMemberRole } from "../../domain/member-role.ts";
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  mayManage,
  newMember,
  normalizeEmail,
} from "../../domain/members.ts";
import { sendError } from "../../http/errors.ts";
import { errorResponses, idParams } from "../../http/schemas.ts";
import type { MemberRecord, MemberRole } from "../../storage/records.ts";
import type { RouteDeps } from "../deps.ts";
import { emailField, newPasswordField, sessionSecurity } from "../session/schemas.ts";

const ROLES = ["owner", "admin", "viewer"] as const;

const memberResponse = {
  type: "object",
  properties: {
    id: { type: "string" },
    orgId: { type: "string" },
    email: { type: "string" },
    role: { type: "string", enum: ROLES },
    createdAt: { type: "string", format: "date-time" },
  },
  required: ["id", "orgId", "email", "role", "createdAt"],
} as const;

const createBody = {
  type: "object",
  additionalProperties: false,
  required: ["email", "password", "role"],
  properties: { email: emailField, password: newPasswordField, role: { type: "string", enum: ROLES } },
} as const;

const updateBody = {
  type: "object",
  additionalProperties: false,
  required: ["role"],
  properties: { role: { type: "string", enum: ROLES } },
} as const;

const passwordBody = {
  type: "object",
  additionalProperties: false,
  required: ["password"],
  properties: { password: newPasswordField },
} as const;

const passwordResetResponse = {
  type: "object",
  properties: {
    ...memberResponse.properties,
    sessionsEnded: { type: "integer", description: "How many of the member's sessions ended." },
  },
  required: [...memberResponse.required, "sessionsEnded"],
} as const;

// The password hash never leaves the server.
const present = (m: MemberRecord) => ({
  id: m.id,
  orgId: m.orgId,
  email: m.email,
  role: m.role,
  createdAt: m.createdAt,
});

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the member routes' guard: the signed-in owner or admin making the request. */
    manager: SessionPrincipal;
  }
}

/**
 * Org members (who can sign in to the dashboard) and their sessions. Managed only by signed-in
 * owners and admins, never with an API key: a leaked key must not be able to mint a dashboard
 * login that would outlive the key's revocation.
 */
export async function memberRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, clock, auth } = deps;
  app.addHook("onRequest", auth.requirePrivate);
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const { principal } = request;
    if (principal.via !== "session")
      return sendError(reply, "ROLE_FORBIDDEN", {
        message: "Members are managed by a signed-in owner or admin in the dashboard, not with an API key.",
      });
    if (principal.role === "viewer")
      return sendError(reply, "ROLE_FORBIDDEN", { message: "Only owners and admins manage members." });
    request.manager = principal;
  });
  const common = { tags: ["member"], security: sessionSecurity };
  /** The signed-in manager as the shared member functions name who acts (with the request's IP). */
  const actor = (request: FastifyRequest) => ({
    memberId: request.manager.memberId,
    role: request.manager.role,
    ip: request.ip,
  });
  const notFound = (reply: FastifyReply) => sendError(reply, "NOT_FOUND", { message: "No member with this ID." });
  const ownersOnly = (reply: FastifyReply) =>
    sendError(reply, "ROLE_FORBIDDEN", { message: "Only an owner adds, removes or signs out an owner." });

  app.get(
    "/member",
    {
      schema: {
        ...common,
        summary: "List the org's members",
        response: { 200: { type: "array", items: memberResponse }, ...errorResponses(401, 403) },
      },
    },
    async (request) => (await store.listMembers(request.manager.orgId)).map(present),
  );

  app.post<{ Body: { email: string; password: string; role: MemberRole } }>(
    "/member",
    {
      schema: {
        ...common,
        summary: "Add a member who can sign in with this email and password",
        body: createBody,
        response: { 201: memberResponse, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { manager } = request;
      if (!mayManage(manager.role, request.body.role)) return ownersOnly(reply);
      const email = normalizeEmail(request.body.email);
      const member = newMember(
        manager.orgId,
        email,
        request.body.role,
        await hashPassword(request.body.password),
        clock,
      );
      const conflict = () =>
        sendError(reply, "CONFLICT", { field: "email", message: "This email already belongs to a member." });
      if (await store.findMemberByEmail(email)) return conflict();
      await audited(
        store,
        async (tx) => {
          await tx.insertMember(member);
          return member;
        },
        (m) =>
          auditEvent(clock, m.orgId, "member.create", {
            actorKeyId: manager.memberId,
            targetId: m.id,
            ip: request.ip,
            details: { email: m.email, role: m.role },
          }),
      );
      return reply.code(201).send(present(member));
    },
  );

  app.patch<{ Params: { id: string }; Body: { role: MemberRole } }>(
    "/member/:id",
    {
      schema: {
        ...common,
        summary: "Change a member's role (the org keeps at least one owner)",
        params: idParams,
        body: updateBody,
        response: { 200: memberResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { manager } = request;
      const result = await changeMemberRole(
        store,
        clock,
        manager.orgId,
        request.params.id,
        request.body.role,
        actor(request),
      );
      if (result.ok) return present(result.member);
      if (result.code === "NOT_FOUND") return notFound(reply);
      if (result.code === "ROLE_FORBIDDEN")
        return sendError(reply, "ROLE_FORBIDDEN", { message: "Only an owner makes or unmakes an owner." });
      return sendError(reply, "LAST_OWNER");
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/member/:id",
    {
      schema: {
        ...common,
        summary: "Remove a member; their sessions end at once",
        params: idParams,
        response: { 200: memberResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { manager } = request;
      const target = await store.getMember(manager.orgId, request.params.id);
      if (!target) return notFound(reply);
      if (!mayManage(manager.role, target.role)) return ownersOnly(reply);
      // The store's guarded delete keeps the last owner, even against a concurrent removal.
      const deleted = await audited(
        store,
        (tx) => tx.deleteMember(manager.orgId, target.id),
        (m) =>
          auditEvent(clock, m.orgId, "member.delete", {
            actorKeyId: manager.memberId,
            targetId: m.id,
            ip: request.ip,
            details: { email: m.email, role: m.role },
          }),
      );
      if (deleted) return present(deleted);
      return (await store.getMember(manager.orgId, target.id)) ? sendError(reply, "LAST_OWNER") : notFound(reply);
    },
  );

  app.post<{ Params: { id: string }; Body: { password: string } }>(
    "/member/:id/password",
    {
      schema: {
        ...common,
        summary: "Set another member's password (they lost theirs); all their sessions end at once",
        params: idParams,
        body: passwordBody,
        response: { 200: passwordResetResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { manager } = request;
      const result = await setMemberPassword(
        store,
        clock,
        manager.orgId,
        request.params.id,
        request.body.password,
        actor(request),
      );
      if (result.ok) return { ...present(result.member), sessionsEnded: result.sessionsEnded };
      if (result.code === "NOT_FOUND") return notFound(reply);
      if (result.code === "ROLE_FORBIDDEN")
        return sendError(reply, "ROLE_FORBIDDEN", { message: "Only an owner sets an owner's password." });
      if (result.problem === "own-password")
        return sendError(reply, "VALIDATION_FAILED", {
          message:
            'To change your own password, use POST /session/password ("Your password"), which asks for the current one.',
        });
      return sendError(reply, "VALIDATION_FAILED", {
        field: "password",
        message: `'password' must be at least ${MIN_PASSWORD_LENGTH} and at most ${MAX_PASSWORD_LENGTH} characters.`,
      });
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/member/:id/sessions",
    {
      schema: {
        ...common,
        summary: "Sign a member out everywhere: all their sessions end at once",
        params: idParams,
        response: {
          200: { type: "object", properties: { revoked: { type: "integer" } }, required: ["revoked"] },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { manager } = request;
      const target = await store.getMember(manager.orgId, request.params.id);
      if (!target) return notFound(reply);
      if (!mayManage(manager.role, target.role) && target.id !== manager.memberId) return ownersOnly(reply);
      let revoked = 0;
      await audited(
        store,
        async (tx) => {
          revoked = await tx.deleteMemberSessions(manager.orgId, target.id);
          return target;
        },
        (m) =>
          auditEvent(clock, m.orgId, "session.revoke", {
            actorKeyId: manager.memberId,
            targetId: m.id,
            ip: request.ip,
            details: { reason: "revoke-all", sessions: revoked },
          }),
      );
      return { revoked };
    },
  );
}
