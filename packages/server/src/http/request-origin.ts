import type { FastifyRequest } from "fastify";

/**
 * The request's Origin, or undefined when it is missing or was sent more than once: two Origin
 * headers are an attack or a broken proxy, and neither may match a rule.
 */
export function requestOrigin(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  if (typeof origin !== "string") return undefined;
  let seen = 0;
  const raw = request.raw.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.length === 6 && raw[i]?.toLowerCase() === "origin") seen++;
  return seen === 1 ? origin : undefined;
}
