import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { createApp, createCipher, createOrgWithKey, KyselyStore, openSqlite } from "@portcullis/server";
import type { FastifyInstance } from "fastify";
import { freePort, spawnServer, stopServer } from "../../packages/server/test/server-process.ts";

import { ROOT } from "./doc-samples.ts";
import { inherited } from "./shell-session.ts";

/** A fresh directory under `.tmp/` (ignored by git and Biome). */
export function tempDir(label: string): string {
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  return mkdtempSync(join(ROOT, ".tmp", `${label}-`));
}

export type ServerProcess = { port: number; child: ChildProcess; output(): string; close(): Promise<void> };

/**
 * `packages/server/src/main.ts` in its own process, as `npm start` runs it, on `dataDir` and a free
 * port; `env` adds settings (`{port}` in a value is replaced by the port, e.g. for the public URL).
 */
export async function startServerProcess(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const extra = Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, value.replaceAll("{port}", String(port))]),
  );
  const { child, output } = await spawnServer(
    { ...inherited(), PORT: String(port), PORTCULLIS_DATA_DIR: dataDir, LOG_LEVEL: "warn", ...extra },
    45_000,
  );
  return {
    port,
    child,
    output,
    close: () => stopServer(child),
  };
}

export type WebCallAnswer = { status: number; body: Record<string, unknown> };

export type LocalServer = {
  app: FastifyInstance;
  /** `http://localhost:<port>`, also the app's public URL unless one is given, so `webCallUrl` points here. */
  url: string;
  port: number;
  orgId: string;
  keyId: string;
  privateKey: string;
  /** A REST call with the private key; the parsed answer, throwing on a non-2xx status. */
  admin<T = Record<string, unknown>>(method: string, path: string, payload?: unknown): Promise<T>;
  /** `POST /call/web` as a page on `origin` sends it; the status and the parsed body. */
  webCall(credential: string, origin: string, body: Record<string, unknown>): Promise<WebCallAnswer>;
  close(): Promise<void>;
};

/** The app in this process, listening on a free port of 127.0.0.1 with an in-memory database and one org. */
export async function startLocalServer(
  options: { decisionFlushMs?: number; publicUrl?: string } = {},
): Promise<LocalServer> {
  const { publicUrl, ...appOptions } = options;
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const store = new KyselyStore(await openSqlite(":memory:"));
  const cipher = createCipher(randomBytes(32));
  const app = await createApp({
    store,
    cipher,
    config: { publicUrl: publicUrl ?? url, keyCacheSize: 100, keyCacheTtlSeconds: 30 },
    logger: { level: "warn" },
    ...appOptions,
  });
  await app.listen({ port, host: "127.0.0.1" });
  const { org, keyId, privateKey } = await createOrgWithKey(store, cipher, {
    name: "Docs",
    at: new Date().toISOString(),
  });
  return {
    app,
    url,
    port,
    orgId: org.id,
    keyId,
    privateKey,
    async admin<T>(method: string, path: string, payload?: unknown) {
      const answer = await app.inject({
        method: method as "GET",
        url: path,
        headers: { authorization: `Bearer ${privateKey}` },
        ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
      });
      if (answer.statusCode >= 300) throw new Error(`${method} ${path} answered ${answer.statusCode}: ${answer.body}`);
      return answer.json() as T;
    },
    async webCall(credential, origin, body) {
      const answer = await app.inject({
        method: "POST",
        url: "/call/web",
        headers: { authorization: `Bearer ${credential}`, origin },
        payload: body,
      });
      return { status: answer.statusCode, body: answer.json() };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
