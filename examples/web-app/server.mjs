// The example's backend: serves the page and the SDK, logs a user in, and mints their Portcullis token.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createClientToken } from "@portcullis/node";

const env = process.env;
const sessions = new Map(); // session ID → user ID; a real app has real logins
const page = {
  baseUrl: env.PORTCULLIS_URL,
  publicKey: env.PORTCULLIS_PUBLIC_KEY,
  assistantId: env.ASSISTANT_ID,
  otherAssistantId: env.OTHER_ASSISTANT_ID,
};
const files = { "/": ["public/index.html", "text/html"], "/config.json": [null, "application/json"] };
let origin; // this site's origin, the only one its tokens allow

const server = createServer((req, res) => {
  const send = (status, type, body, headers = {}) =>
    res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers }).end(body);
  const user = sessions.get(/(?:^|; )sid=([\w-]+)/.exec(req.headers.cookie ?? "")?.[1]);
  if (req.method === "POST" && req.url === "/api/login") {
    const sid = randomUUID();
    sessions.set(sid, "user_ada");
    return send(204, "text/plain", "", { "set-cookie": `sid=${sid}; HttpOnly; SameSite=Strict; Path=/` });
  }
  if (req.method === "GET" && req.url === "/api/portcullis-token") {
    if (!user) return send(401, "text/plain", "Log in first.");
    const token = createClientToken({
      privateKey: env.PORTCULLIS_PRIVATE_KEY,
      keyId: env.PORTCULLIS_KEY_ID,
      orgId: env.PORTCULLIS_ORG_ID,
      userId: user,
      ttlSeconds: 60,
      singleUse: true,
      restrictions: { allowedOrigins: [origin], allowedAssistantIds: [page.assistantId], maxConcurrentCallsPerUser: 1 },
    });
    return send(200, "text/plain", token);
  }
  const sdk = /^\/sdk\/([\w-]+\.js)$/.exec(req.url ?? "")?.[1];
  const [file, type] = sdk ? [`../../packages/web/dist/${sdk}`, "text/javascript"] : (files[req.url] ?? []);
  if (req.method !== "GET" || !type) return send(404, "text/plain", "Not found.");
  if (!file) return send(200, type, JSON.stringify(page));
  readFile(new URL(file, import.meta.url)).then(
    (body) => send(200, type, body),
    () => send(404, "text/plain", "Run npm run build -w @portcullis/web first."),
  );
});
server.listen(Number(env.PORT ?? 3000), "127.0.0.1", () => {
  origin = `http://127.0.0.1:${server.address().port}`;
  console.log(`web-app listening on ${origin}`);
});
