import { randomBytes } from "node:crypto";
import { createApp, createCipher, createOrgWithKey, KyselyStore, openSqlite } from "@portcullis/server";
import type { FastifyInstance } from "fastify";
import { WebSocket as NodeWebSocket } from "ws";
import { freePort } from "../../server/test/server-process.ts";
import type { SocketConstructor } from "../src/index.ts";

export const APP_ORIGIN = "https://app.example.com";

export type Live = {
  url: string;
  app: FastifyInstance;
  orgId: string;
  keyId: string;
  privateKey: string;
  /** Moves the server's clock forward (token expiry without sleeping). */
  advance(ms: number): void;
  /** A private-key REST call; returns the parsed JSON body (throws on a non-2xx answer). */
  admin(method: string, path: string, payload?: unknown): Promise<Record<string, unknown>>;
  close(): Promise<void>;
};

/** A real server on 127.0.0.1 with its own in-memory database and one org. */
export async function startServer(): Promise<Live> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const store = new KyselyStore(await openSqlite(":memory:"));
  const cipher = createCipher(randomBytes(32));
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const app = await createApp({
    store,
    cipher,
    clock,
    config: { publicUrl: url, keyCacheSize: 100, keyCacheTtlSeconds: 30 },
  });
  await app.listen({ port, host: "127.0.0.1" });
  const { org, keyId, privateKey } = await createOrgWithKey(store, cipher, {
    name: "Acme",
    at: new Date().toISOString(),
  });
  return {
    url,
    app,
    orgId: org.id,
    keyId,
    privateKey,
    advance: (ms) => {
      offset += ms;
    },
    async admin(method, path, payload) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${privateKey}`,
          ...(payload !== undefined && { "content-type": "application/json" }),
        },
        ...(payload !== undefined && { body: JSON.stringify(payload) }),
      });
      const body = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(body)}`);
      return body;
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** What a page on `origin` has: a fetch and a WebSocket that send that Origin, as a browser does. */
export function browserOn(origin: string): { fetch: typeof fetch; WebSocket: SocketConstructor } {
  const originFetch: typeof fetch = (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set("origin", origin);
    return fetch(input, { ...init, headers });
  };
  class OriginWebSocket extends NodeWebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  }
  return { fetch: originFetch, WebSocket: OriginWebSocket as unknown as SocketConstructor };
}
