import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { type BrowserContext, chromium } from "playwright-core";
import { createSetupLink } from "../../server/src/domain/members.ts";
import {
  createApp,
  createCipher,
  createOrgWithKey,
  KyselyStore,
  openSqlite,
  systemClock,
} from "../../server/src/index.ts";

export const DASHBOARD_DIR = fileURLToPath(new URL("..", import.meta.url));
export const DIST_DIR = join(DASHBOARD_DIR, "dist");

/** The Chromium to drive, or undefined (the browser tests then skip and say why). */
export function findChromium(): string | undefined {
  for (const candidate of [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (candidate && statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  try {
    return (
      execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim() ||
      undefined
    );
  } catch {
    return undefined;
  }
}

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Builds dist once when it is missing or older than the sources. */
export function ensureBuilt(): void {
  const built = statSync(join(DIST_DIR, "index.html"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(
    newest(join(DASHBOARD_DIR, "src")),
    newest(join(DASHBOARD_DIR, "index.html")),
    newest(join(DASHBOARD_DIR, "vite.config.ts")),
    newest(resolve(DASHBOARD_DIR, "../core/src")),
  );
  if (built >= sources) return;
  execFileSync(process.execPath, [resolve(DASHBOARD_DIR, "../../node_modules/vite/bin/vite.js"), "build"], {
    cwd: DASHBOARD_DIR,
    stdio: "pipe",
  });
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const address = probe.address();
  await new Promise((done) => probe.close(done));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

export type DashboardServer = {
  app: FastifyInstance;
  url: string;
  setupLink: string;
  privateKey: string;
  close(): Promise<void>;
};

/** A real server on 127.0.0.1 with a temporary SQLite file, one org and its one-time setup link. */
export async function startServer(): Promise<DashboardServer> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-dashboard-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const db = await openSqlite(join(dir, "portcullis.sqlite"));
  const store = new KyselyStore(db);
  const cipher = createCipher(randomBytes(32));
  const app = await createApp({
    store,
    cipher,
    config: { publicUrl: url, keyCacheSize: 1000, keyCacheTtlSeconds: 30 },
    dashboardDir: DIST_DIR,
    decisionFlushMs: 200,
  });
  await app.listen({ port, host: "127.0.0.1" });
  const seeded = await createOrgWithKey(store, cipher, { name: "Acme", at: new Date().toISOString() });
  const setupLink = await createSetupLink(store, seeded.org.id, url, systemClock);
  return {
    app,
    url,
    setupLink,
    privateKey: seeded.privateKey,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A blank page on its own origin, from which the test sends requests as that website would. */
export async function startOriginSite(
  host: "127.0.0.1" | "localhost",
): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createHttpServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>Customer site</title><h1>A customer's web page</h1>");
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return {
    origin: `http://${host}:${address.port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** Headless Chromium with a fresh profile directory. */
export async function launchBrowser(
  executablePath: string,
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "portcullis-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
