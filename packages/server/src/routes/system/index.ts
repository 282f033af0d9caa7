import type { FastifyInstance } from "fastify";

/** Liveness and the API description; no credential needed. */
export async function systemRoutes(app: FastifyInstance, deps: { version: string }): Promise<void> {
  app.get(
    "/health",
    {
      schema: {
        tags: ["system"],
        summary: "Liveness",
        response: { 200: { type: "object", properties: { status: { type: "string" }, version: { type: "string" } } } },
      },
    },
    async () => ({ status: "ok", version: deps.version }),
  );
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
