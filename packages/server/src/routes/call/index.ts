import type { FastifyInstance } from "fastify";
import type { RouteDeps } from "../deps.ts";
import { joinCallRoute } from "./join.ts";
import { callRecordRoutes } from "./read.ts";
import { webCallRoute } from "./web.ts";

/** Web calls: started from a browser, joined over a WebSocket, read and ended with a private key. */
export async function callRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  await app.register(webCallRoute, deps);
  await app.register(joinCallRoute, deps);
  await app.register(callRecordRoutes, deps);
}
