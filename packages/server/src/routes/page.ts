import type { FastifyReply } from "fastify";
import { sendError } from "../http/errors.ts";
import { decodeCursor } from "../storage/kysely-store.ts";
import type { PageQuery } from "../storage/records.ts";

export const DEFAULT_PAGE_SIZE = 100;

/** Reads `limit` and `cursor`; answers VALIDATION_FAILED and returns undefined for a cursor we never issued. */
export function readPage(query: { limit?: string; cursor?: string }, reply: FastifyReply): PageQuery | undefined {
  const cursor = query.cursor || undefined;
  if (cursor !== undefined && decodeCursor(cursor) === undefined) {
    sendError(reply, "VALIDATION_FAILED", { field: "cursor", message: "'cursor' is not a cursor this server issued." });
    return undefined;
  }
  return { limit: query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE, cursor };
}
