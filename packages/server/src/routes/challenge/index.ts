import type { FastifyInstance } from "fastify";
import { reflectOrigin, registerBrowserPreflight } from "../../http/cors.ts";
import type { RouteDeps } from "../deps.ts";

/**
 * `GET /challenge`: a proof-of-work puzzle for keys with `requireChallenge`. No credential: the
 * puzzle is worthless until solved, and solving it is the point.
 */
export async function challengeRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  registerBrowserPreflight(app, "/challenge", "GET");
  app.get(
    "/challenge",
    {
      onSend: reflectOrigin,
      schema: {
        tags: ["call"],
        summary: "A proof-of-work challenge (ALTCHA v1: find number with SHA-256(salt + number) = challenge)",
        response: {
          200: {
            type: "object",
            properties: {
              algorithm: { type: "string" },
              challenge: { type: "string" },
              maxnumber: { type: "integer" },
              salt: { type: "string" },
              signature: { type: "string" },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      reply.header("cache-control", "no-store");
      return deps.challenges.issue();
    },
  );
}
