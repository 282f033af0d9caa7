import { newId } from "@portcullis/core";
import type { FastifyInstance } from "fastify";
import { auditEvent } from "../../audit/audit-event.ts";
import { audited } from "../../audit/audited.ts";
import { isoAt } from "../../domain/clock.ts";
import { readSigningJwk } from "../../domain/signing-keys.ts";
import { sendError } from "../../http/errors.ts";
import { bearerSecurity, errorResponses, idParams } from "../../http/schemas.ts";
import type { SigningKeyRecord } from "../../storage/records.ts";
import type { RouteDeps } from "../deps.ts";

const createBody = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 1, maxLength: 100 },
    jwk: {
      type: "object",
      maxProperties: 20,
      additionalProperties: true,
      description:
        "A public JWK: EC P-256 (ES256), OKP Ed25519 (EdDSA) or RSA ≥ 2048 bits (RS256). Its kid names it in tokens.",
    },
    jwksUrl: {
      type: "string",
      maxLength: 2000,
      pattern: "^https?://",
      description:
        "A JWKS URL, fetched (3 s timeout, 64 KB cap) and cached; tokens must carry the kid of one of its keys.",
    },
  },
} as const;

const signingKeyResponse = {
  type: "object",
  properties: {
    id: { type: "string" },
    orgId: { type: "string" },
    kind: { type: "string", enum: ["jwk", "jwks"] },
    kid: { type: ["string", "null"] },
    alg: { type: ["string", "null"] },
    jwk: { type: ["object", "null"], additionalProperties: true },
    jwksUrl: { type: ["string", "null"] },
    name: { type: ["string", "null"] },
    createdAt: { type: "string", format: "date-time" },
  },
  required: ["id", "orgId", "kind", "createdAt"],
} as const;

const present = (k: SigningKeyRecord) => ({ ...k });

/** Public keys an org registers so its backend can sign tokens the platform can verify but never mint. */
export async function signingKeyRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { store, clock, tokens, jwks, auth } = deps;
  app.addHook("onRequest", auth.requirePrivate);
  const common = { tags: ["signing-key"], security: bearerSecurity };
  const notFound = (reply: import("fastify").FastifyReply) =>
    sendError(reply, "NOT_FOUND", { message: "No signing key with this ID." });

  app.post<{ Body: { name?: string; jwk?: unknown; jwksUrl?: string } }>(
    "/signing-key",
    {
      schema: {
        ...common,
        summary: "Register a public signing key (JWK) or a JWKS URL",
        body: createBody,
        response: { 201: signingKeyResponse, ...errorResponses(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.principal;
      const { jwk, jwksUrl, name } = request.body;
      if ((jwk === undefined) === (jwksUrl === undefined))
        return sendError(reply, "VALIDATION_FAILED", {
          field: "jwk",
          message: "Send exactly one of 'jwk' or 'jwksUrl'.",
        });
      const id = newId("signingKey");
      let record: SigningKeyRecord;
      if (jwk !== undefined) {
        const read = readSigningJwk(jwk);
        if (!read.ok) return sendError(reply, "INVALID_SIGNING_KEY", { field: "jwk", message: read.message });
        const kid = read.kid ?? id;
        const taken = (await store.listSigningKeys(orgId)).some((k) => k.kid === kid);
        if (taken || kid.startsWith("key_"))
          return sendError(reply, "CONFLICT", {
            field: "jwk.kid",
            message: `The kid '${kid}' is already in use in this org.`,
          });
        record = {
          id,
          orgId,
          kind: "jwk",
          kid,
          alg: read.alg,
          jwk: { ...read.jwk, kid },
          jwksUrl: null,
          name: name ?? null,
          createdAt: isoAt(clock),
        };
      } else {
        const url = jwksUrl as string;
        try {
          await jwks.load(url);
        } catch (error) {
          return sendError(reply, "JWKS_FETCH_FAILED", {
            field: "jwksUrl",
            message: `The JWKS could not be used: ${(error as Error).message}.`,
          });
        }
        record = {
          id,
          orgId,
          kind: "jwks",
          kid: null,
          alg: null,
          jwk: null,
          jwksUrl: url,
          name: name ?? null,
          createdAt: isoAt(clock),
        };
      }
      await audited(
        store,
        async (tx) => {
          await tx.insertSigningKey(record);
          return record;
        },
        (r) =>
          auditEvent(clock, r.orgId, "signing-key.create", {
            actorKeyId: request.principal.id,
            targetId: r.id,
            details: { kind: r.kind, kid: r.kid, alg: r.alg, jwksUrl: r.jwksUrl },
          }),
      );
      tokens.invalidateOrg(orgId);
      return reply.code(201).send(present(record));
    },
  );

  app.get(
    "/signing-key",
    {
      schema: {
        ...common,
        summary: "List signing keys",
        response: { 200: { type: "array", items: signingKeyResponse }, ...errorResponses(401) },
      },
    },
    async (request) => (await store.listSigningKeys(request.principal.orgId)).map(present),
  );

  app.get<{ Params: { id: string } }>(
    "/signing-key/:id",
    {
      schema: {
        ...common,
        summary: "Get a signing key",
        params: idParams,
        response: { 200: signingKeyResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const key = await store.getSigningKey(request.principal.orgId, request.params.id);
      return key ? present(key) : notFound(reply);
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/signing-key/:id",
    {
      schema: {
        ...common,
        summary: "Delete a signing key (its tokens stop verifying at once)",
        params: idParams,
        response: { 200: signingKeyResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const deleted = await audited(
        store,
        (tx) => tx.deleteSigningKey(request.principal.orgId, request.params.id),
        (r) =>
          auditEvent(clock, r.orgId, "signing-key.delete", {
            actorKeyId: request.principal.id,
            targetId: r.id,
            details: { kid: r.kid },
          }),
      );
      if (!deleted) return notFound(reply);
      if (deleted.jwksUrl) jwks.forget(deleted.jwksUrl);
      tokens.invalidateOrg(deleted.orgId);
      return present(deleted);
    },
  );
}
