import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import cors from "cors";
import express from "express";
import jwt from "jsonwebtoken";

/**
 * The usual stack, written the way a team would by hand: Express, `cors`, `jsonwebtoken`, and a
 * SQLite lookup per request. It reads the same data directory layout as Portcullis (keys stored as
 * SHA-256 hashes) and answers the same POST /call/web: 201 with a call, 403 for a wrong origin.
 */
type Restrictions = { allowedOrigins?: string[] | null; allowedAssistantIds?: string[] | null };
type Caller = { orgId: string; keyId: string; restrictions: Restrictions };

const dataDir = process.env.PORTCULLIS_DATA_DIR ?? "./data";
const db = new Database(join(dataDir, "portcullis.sqlite"));
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("busy_timeout = 5000");

const findKey = db.prepare<
  [string],
  { id: string; org_id: string; tag: string; restrictions: string; revoked_at: string | null }
>("SELECT id, org_id, tag, restrictions, revoked_at FROM api_keys WHERE hash = ?");
const assistantExists = db.prepare<[string, string], { id: string }>(
  "SELECT id FROM assistants WHERE org_id = ? AND id = ?",
);
const insertCall = db.prepare(
  "INSERT INTO calls (id, org_id, type, status, assistant_id, key_id, origin, created_at, updated_at) VALUES (?, ?, 'webCall', 'queued', ?, ?, ?, ?, ?)",
);
// A hand-rolled stack usually keeps the JWT secret in an environment variable.
const jwtSecret = process.env.BASELINE_JWT_SECRET ?? "";

function caller(authorization: string | undefined): Caller | undefined {
  const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
  if (!token) return undefined;
  if (token.split(".").length === 3) {
    try {
      const claims = jwt.verify(token, jwtSecret, { algorithms: ["HS256"] }) as {
        orgId: string;
        token: { tag: string; restrictions: Restrictions };
      };
      if (claims.token.tag !== "public") return undefined;
      return { orgId: claims.orgId, keyId: "jwt", restrictions: claims.token.restrictions };
    } catch {
      return undefined;
    }
  }
  const row = findKey.get(createHash("sha256").update(token).digest("hex"));
  if (!row || row.revoked_at || row.tag !== "public") return undefined;
  return { orgId: row.org_id, keyId: row.id, restrictions: JSON.parse(row.restrictions) as Restrictions };
}

const app = express();
app.use(cors({ origin: true }));
app.use(express.json({ limit: "1mb" }));

app.post("/call/web", (request, response) => {
  const who = caller(request.get("authorization"));
  if (!who) return response.status(401).json({ error: "Unauthorized", code: "INVALID_KEY" });
  const origin = request.get("origin");
  const { allowedOrigins, allowedAssistantIds } = who.restrictions;
  if (allowedOrigins && (!origin || !allowedOrigins.includes(origin)))
    return response.status(403).json({ error: "Forbidden", code: "ORIGIN_NOT_ALLOWED" });
  const assistantId = (request.body as { assistantId?: unknown }).assistantId;
  if (typeof assistantId !== "string") return response.status(400).json({ error: "Bad Request" });
  if (allowedAssistantIds && !allowedAssistantIds.includes(assistantId))
    return response.status(403).json({ error: "Forbidden", code: "ASSISTANT_NOT_ALLOWED" });
  if (!assistantExists.get(who.orgId, assistantId))
    return response.status(404).json({ error: "Not Found", code: "ASSISTANT_NOT_FOUND" });
  const id = `call_${randomBytes(12).toString("base64url")}`;
  const at = new Date().toISOString();
  insertCall.run(id, who.orgId, assistantId, who.keyId, origin ?? null, at, at);
  return response
    .status(201)
    .json({ id, orgId: who.orgId, type: "webCall", status: "queued", assistantId, createdAt: at });
});

const server = app.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  console.log(`express-stack listening on http://127.0.0.1:${port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
