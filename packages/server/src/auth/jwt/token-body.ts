import {
  type CompiledPolicy,
  compilePolicy,
  type ErrorCode,
  type KeyTag,
  normalizeRestrictions,
  restrictionsSchema,
} from "@portcullis/core";
import { Ajv } from "ajv";
import { LRUCache } from "lru-cache";
import type { JwtPayload } from "./read-jwt.ts";

const { $id: _id, ...schema } = restrictionsSchema;
const validateShape = new Ajv({
  allErrors: false,
  allowUnionTypes: true,
  strict: false,
  formats: { "date-time": true },
}).compile(schema);

export type TokenBody =
  | {
      ok: true;
      tag: KeyTag;
      policy: CompiledPolicy;
      singleUse: boolean;
      subject: string | undefined;
      tokenId: string | undefined;
    }
  | { ok: false; code: ErrorCode; message?: string };

const TOKEN_FIELDS = new Set(["tag", "restrictions", "singleUse"]);
const POLICY_CACHE_SIZE = 1000;

/**
 * Reads the `token` claim (`{ tag, restrictions, singleUse }`) plus `sub` and `jti`. Restrictions
 * are checked exactly like stored ones; a backend usually mints the same restrictions for every
 * user, so compiled policies are cached by their JSON.
 */
export function createTokenBodyReader() {
  const policies = new LRUCache<string, CompiledPolicy>({ max: POLICY_CACHE_SIZE });
  let last: { tag: KeyTag; raw: unknown; policy: CompiledPolicy } | undefined;
  return function readTokenBody(payload: JwtPayload): TokenBody {
    const token = payload.token;
    if (typeof token !== "object" || token === null || Array.isArray(token))
      return {
        ok: false,
        code: "TOKEN_MALFORMED",
        message: "The token claim must be an object: { tag, restrictions }.",
      };
    const body = token as Record<string, unknown>;
    for (const field in body)
      if (!TOKEN_FIELDS.has(field))
        return { ok: false, code: "TOKEN_MALFORMED", message: `token.${field} is not a known field.` };
    const tag = body.tag;
    if (tag !== "public" && tag !== "private")
      return { ok: false, code: "TOKEN_MALFORMED", message: "token.tag must be 'public' or 'private'." };
    if (body.singleUse !== undefined && typeof body.singleUse !== "boolean")
      return { ok: false, code: "TOKEN_MALFORMED", message: "token.singleUse must be a boolean." };
    const { sub, jti } = payload;
    if (sub !== undefined && (typeof sub !== "string" || sub.length === 0 || sub.length > 256))
      return { ok: false, code: "TOKEN_MALFORMED", message: "sub must be a string of 1–256 characters." };
    if (jti !== undefined && (typeof jti !== "string" || jti.length === 0 || jti.length > 128))
      return { ok: false, code: "TOKEN_MALFORMED", message: "jti must be a string of 1–128 characters." };
    const singleUse = body.singleUse === true;
    if (singleUse && jti === undefined)
      return { ok: false, code: "TOKEN_MALFORMED", message: "A single-use token needs a jti claim." };

    const raw = body.restrictions ?? {};
    // Most tokens carry what the previous one did; comparing with it is cheaper than spelling
    // the restrictions out as a cache key.
    if (last && tag === last.tag && sameJson(raw, last.raw))
      return { ok: true, tag, policy: last.policy, singleUse, subject: sub, tokenId: jti };
    const cacheKey = `${tag}:${JSON.stringify(raw)}`;
    let policy = policies.peek(cacheKey);
    if (!policy) {
      if (!validateShape(raw)) {
        const issue = validateShape.errors?.[0];
        const where = `token.restrictions${issue?.instancePath.replaceAll("/", ".") ?? ""}`;
        return {
          ok: false,
          code: "TOKEN_RESTRICTIONS_INVALID",
          message: `${where} ${issue?.message ?? "is not valid"}.`,
        };
      }
      const read = normalizeRestrictions(raw, tag);
      if (!read.ok)
        return {
          ok: false,
          code: "TOKEN_RESTRICTIONS_INVALID",
          message: `token.${read.problem.field}: ${read.problem.message}`,
        };
      policy = compilePolicy(read.value);
      policies.set(cacheKey, policy);
    }
    last = { tag, raw, policy };
    return { ok: true, tag, policy, singleUse, subject: sub, tokenId: jti };
  };
}

/** Whether two parsed JSON values are the same, object keys in the same order (as JSON.stringify would spell them). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i] as string;
    if (key !== keysB[i] || !sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false;
  }
  return true;
}
