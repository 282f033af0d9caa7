import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/**
 * CORS for the browser route only (DESIGN clarification 2). Every answer, allowed or refused,
 * reflects the request's Origin so the browser SDK can read the refusal code; never credentials:
 * there are no cookies here, and the origin rule, not CORS, is the boundary. Private routes get
 * no CORS allow headers at all, so a browser cannot read them cross-origin.
 */
export function registerBrowserPreflight(app: FastifyInstance, path: string, method: "POST" | "GET" = "POST"): void {
  app.options(path, { schema: { hide: true } }, async (request, reply) => {
    const origin = request.headers.origin;
    reply.header("Access-Control-Allow-Origin", typeof origin === "string" ? origin : "*");
    reply.header("Access-Control-Allow-Methods", `${method}, OPTIONS`);
    reply.header("Access-Control-Allow-Headers", "Authorization, Content-Type");
    reply.header("Access-Control-Max-Age", "600");
    reply.header("Vary", "Origin");
    return reply.code(204).send();
  });
}

/** Route-level onSend hook for the browser route: reflect the Origin on every answer. */
export async function reflectOrigin(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  const origin = request.headers.origin;
  if (typeof origin === "string") reply.header("Access-Control-Allow-Origin", origin);
  reply.header("Vary", "Origin");
  return payload;
}
