import { statSync } from "node:fs";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

/** Where `npm run build -w @portcullis/dashboard` writes the SPA. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL("../../../../dashboard/dist", import.meta.url));

// The dashboard holds a session: it talks only to this server, runs only its own scripts and is never framed.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Portcullis dashboard not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The dashboard is not built yet</h1>
<p>Build it once, then reload this page:</p>
<pre><code>npm run build -w @portcullis/dashboard</code></pre>
<p><code>npm start</code> builds it on its own when it is missing. The API works without it.</p>
</body></html>
`;

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * Serves the built dashboard at /dashboard/: its files as they are (hashed assets cached for a
 * year, everything else revalidated), index.html for any other path so the SPA can route, and a
 * page saying how to build it when it is not built. The build is looked for on each request, so
 * building while the server runs needs no restart.
 */
export async function dashboardRoutes(app: FastifyInstance, options: { dir: string }): Promise<void> {
  const root = resolve(options.dir);
  await app.register(fastifyStatic, { root, serve: false, decorateReply: true });
  const hide = { schema: { hide: true } };

  const sendIndex = (reply: FastifyReply) => {
    reply.header("cache-control", "no-cache");
    return reply.sendFile("index.html", root, { cacheControl: false });
  };

  app.get("/", hide, async (_request, reply) => reply.redirect("/dashboard/"));
  app.get("/dashboard", hide, async (_request, reply) => reply.redirect("/dashboard/"));
  app.get<{ Params: { "*": string } }>("/dashboard/*", hide, async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (!isFile(resolve(root, "index.html"))) return reply.code(503).type("text/html; charset=utf-8").send(NOT_BUILT);
    const path = request.params["*"];
    const file = resolve(root, path);
    if (path !== "" && file.startsWith(root + sep) && isFile(file)) {
      // Vite names what it writes under assets/ by content hash: a changed file has a new name.
      const immutable = path.startsWith("assets/");
      reply.header("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
      return reply.sendFile(path, root, { cacheControl: false });
    }
    // A missing file (a stale asset, a typo) is a 404, not the app: a script tag must not get HTML.
    if (extname(path) !== "") return reply.callNotFound();
    return sendIndex(reply);
  });
}
