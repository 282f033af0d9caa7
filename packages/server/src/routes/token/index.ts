import { compilePolicy, type KeyTag, normalizeRestrictions, type RestrictionsInput } from "@portcullis/core";
import type { FastifyInstance, FastifyReply } from "fastify";
import { auditEvent } from "../../audit/audit-event.ts";
import { audited } from "../../audit/audited.ts";
import { isoAt } from "../../domain/clock.ts";
import { mintKey, mintKeyValue } from "../../domain/keys.ts";
import { decideWebCall, describeWebCall, type WebCallBody } from "../../domain/web-call.ts";
import { sendError } from "../../http/errors.ts";
import { bearerSecurity, errorResponses, idParams } from "../../http/schemas.ts";
import type { KeyRecord } from "../../storage/records.ts";
import type { RouteDeps } from "../deps.ts";
import { checkBody, checkResponse, createTokenBody, rotateBody, tokenResponse, updateTokenBody } from "./schemas.ts";

type CreateBody = { tag?: KeyTag; name?: string; restrictions?: RestrictionsInput };
type UpdateBody = { tag?: KeyTag; name?: string; restrictions?: RestrictionsInput };
type Params = { id: string };

const common = { tags: ["token"], security: bearerSecurity };
const notFound = (reply: FastifyReply) => sendError(reply, "NOT_FOUND", { message: "No key with this ID." });

/** API keys ("tokens" in Vapi's words): private key only, scoped to the caller's org. */
export async function tokenRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, clock, cipher, cache, tokens, auth } = deps;
  app.addHook("onRequest", auth.requirePrivate);

  // After a key changes, this process forgets what it cached about it at once (other processes
  // sharing the database see it within PORTCULLIS_KEY_CACHE_TTL_SECONDS).
  const forget = (key: KeyRecord) => {
    cache.invalidate(key.id);
    tokens.invalidateOrg(key.orgId);
  };

  // A public key is meant to be published, so its owner may read it again; a private key never.
  const present = (key: KeyRecord, value?: string) => ({
    id: key.id,
    orgId: key.orgId,
    tag: key.tag,
    name: key.name,
    ...((value ?? key.tag === "public") && { value: value ?? cipher.open(key.encryptedValue, key.id) }),
    displayPrefix: key.displayPrefix,
    restrictions: key.restrictions,
    createdAt: key.createdAt,
    updatedAt: key.updatedAt,
    lastUsedAt: key.lastUsedAt,
  });

  app.post<{ Body: CreateBody }>(
    "/token",
    {
      schema: {
        ...common,
        summary: "Create a key",
        body: createTokenBody,
        response: { 201: tokenResponse, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const tag = request.body.tag ?? "private";
      const read = normalizeRestrictions(request.body.restrictions, tag);
      if (!read.ok) return sendError(reply, read.problem.code, read.problem);
      const key = mintKey({
        orgId: request.principal.orgId,
        tag,
        name: request.body.name ?? null,
        restrictions: read.value,
        cipher,
        at: isoAt(clock),
      });
      await audited(
        store,
        async (tx) => {
          await tx.insertKey(key.record);
          return key.record;
        },
        (r) =>
          auditEvent(clock, r.orgId, "token.create", {
            actorKeyId: request.principal.id,
            keyId: r.id,
            targetId: r.id,
            details: { tag: r.tag, name: r.name, restrictions: r.restrictions },
          }),
      );
      cache.forgetUnknown(key.record.hash);
      forget(key.record);
      return reply.code(201).send(present(key.record, key.value));
    },
  );

  app.get(
    "/token",
    {
      schema: {
        ...common,
        summary: "List keys (not revoked), newest first",
        response: { 200: { type: "array", items: tokenResponse }, ...errorResponses(401) },
      },
    },
    async (request) => (await store.listKeys(request.principal.orgId)).map((key) => present(key)),
  );

  app.get<{ Params: Params }>(
    "/token/:id",
    {
      schema: {
        ...common,
        summary: "Get a key",
        params: idParams,
        response: { 200: tokenResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const key = await store.getKey(request.principal.orgId, request.params.id);
      return key ? present(key) : notFound(reply);
    },
  );

  app.patch<{ Params: Params; Body: UpdateBody }>(
    "/token/:id",
    {
      schema: {
        ...common,
        summary: "Update a key's name or restrictions",
        params: idParams,
        body: updateTokenBody,
        response: { 200: tokenResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.principal;
      const key = await store.getKey(orgId, request.params.id);
      if (!key) return notFound(reply);
      if (request.body.tag !== undefined && request.body.tag !== key.tag)
        return sendError(reply, "VALIDATION_FAILED", {
          field: "tag",
          message: "A key's tag cannot change; create a new key.",
        });
      let restrictions = key.restrictions;
      if (request.body.restrictions !== undefined) {
        const read = normalizeRestrictions(request.body.restrictions, key.tag);
        if (!read.ok) return sendError(reply, read.problem.code, read.problem);
        restrictions = read.value;
      }
      const updated = await audited(
        store,
        (tx) =>
          tx.updateKey(orgId, key.id, {
            name: request.body.name ?? key.name,
            restrictions,
            updatedAt: isoAt(clock),
          }),
        (r) =>
          auditEvent(clock, r.orgId, "token.update", {
            actorKeyId: request.principal.id,
            keyId: r.id,
            targetId: r.id,
            details: { name: r.name, restrictions: r.restrictions },
          }),
      );
      forget(key);
      return updated ? present(updated) : notFound(reply);
    },
  );

  app.delete<{ Params: Params }>(
    "/token/:id",
    {
      schema: {
        ...common,
        summary: "Revoke a key (it stops working at once)",
        params: idParams,
        response: { 200: tokenResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const revoked = await audited(
        store,
        (tx) => tx.revokeKey(request.principal.orgId, request.params.id, isoAt(clock)),
        (r) =>
          auditEvent(clock, r.orgId, "token.revoke", { actorKeyId: request.principal.id, keyId: r.id, targetId: r.id }),
      );
      if (!revoked) return notFound(reply);
      forget(revoked);
      return present(revoked);
    },
  );

  app.post<{ Params: Params; Body: { gracePeriodSeconds?: number } }>(
    "/token/:id/rotate",
    {
      schema: {
        ...common,
        summary: "Issue a new value for a key; the old value keeps working for gracePeriodSeconds",
        params: idParams,
        body: rotateBody,
        response: { 200: tokenResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.principal;
      const key = await store.getKey(orgId, request.params.id);
      if (!key) return notFound(reply);
      const now = clock.now();
      // The new value is sealed under this key's own ID, so it replaces the old one in place.
      const fresh = mintKeyValue(key.tag, key.id, cipher);
      const rotated = await audited(
        store,
        (tx) =>
          tx.rotateKey(orgId, key.id, {
            hash: fresh.hash,
            displayPrefix: fresh.displayPrefix,
            encryptedValue: fresh.encryptedValue,
            previousExpiresAt: new Date(now + (request.body?.gracePeriodSeconds ?? 0) * 1000).toISOString(),
            updatedAt: new Date(now).toISOString(),
          }),
        (r) =>
          auditEvent(clock, r.orgId, "token.rotate", {
            actorKeyId: request.principal.id,
            keyId: r.id,
            targetId: r.id,
            details: { gracePeriodSeconds: request.body?.gracePeriodSeconds ?? 0 },
          }),
      );
      if (!rotated) return notFound(reply);
      cache.forgetUnknown(fresh.hash);
      forget(rotated);
      return present(rotated, fresh.value);
    },
  );

  app.post<{ Params: Params; Body: WebCallBody & { origin?: string } }>(
    "/token/:id/check",
    {
      // Writes nothing, so a signed-in viewer may run it too.
      config: { readOnly: true },
      schema: {
        ...common,
        summary: "Simulate a web call with this key: the decision and the rule that made it; nothing is written",
        params: idParams,
        body: checkBody,
        response: { 200: checkResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.principal;
      const key = await store.getKey(orgId, request.params.id);
      if (!key) return notFound(reply);
      // As evaluate() reads it: anything but report-only enforces.
      const mode = key.restrictions.mode === "report-only" ? "report-only" : "enforce";
      if (key.tag === "private")
        return {
          decision: "deny",
          mode,
          code: "PRIVATE_KEY_NOT_ALLOWED_HERE",
          rule: "tag",
          trace: [{ rule: "tag", outcome: "fail", detail: "A private key cannot start web calls." }],
        };
      const request_ = describeWebCall(request.body, request.body.origin);
      const { decision } = await decideWebCall(deps.assistants, orgId, compilePolicy(key.restrictions), request_);
      // The decision is what a real request gets; on a report-only key, wouldDeny is what it gets
      // once the key is enforced, so a trial never reads as a plain allow.
      return decision.allow
        ? {
            decision: "allow",
            mode,
            ...(decision.wouldDeny && { wouldDeny: decision.wouldDeny }),
            trace: decision.trace,
          }
        : {
            decision: "deny",
            mode,
            code: decision.code,
            rule: decision.rule,
            ...(decision.field && { field: decision.field }),
            trace: decision.trace,
          };
    },
  );
}
