import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createApp, createCipher, createOrgWithKey, KyselyStore, openSqlite } from "@portcullis/server";

export type LiveServer = {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  orgId: string;
  /** The org's first private key (`pcsk_…`) and its ID. */
  privateKey: string;
  keyId: string;
  /** Another org with its own private key, to show resources stay apart. */
  otherOrg(): Promise<{ orgId: string; privateKey: string }>;
  close(): Promise<void>;
};

/**
 * A real server on 127.0.0.1 with an ephemeral port, an in-memory database and one org: the SDKs are
 * tested over the socket, exactly as a customer's backend reaches it. Tests share no state.
 */
export async function startServer(): Promise<LiveServer> {
  const store = new KyselyStore(await openSqlite(":memory:"));
  const cipher = createCipher(randomBytes(32));
  const app = await createApp({
    store,
    cipher,
    config: { publicUrl: "http://127.0.0.1", keyCacheSize: 100, keyCacheTtlSeconds: 30 },
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const newOrg = async (name: string) => {
    const { org, keyId, privateKey } = await createOrgWithKey(store, cipher, { name, at: new Date().toISOString() });
    return { orgId: org.id, keyId, privateKey };
  };
  const first = await newOrg("Acme");
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    ...first,
    otherOrg: () => newOrg("Other"),
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** `POST /call/web` as a browser on `origin` sends it with a public key or token. */
export async function startWebCall(
  server: LiveServer,
  credential: string,
  body: Record<string, unknown>,
  origin = "https://app.example.com",
): Promise<Response> {
  return fetch(`${server.baseUrl}/call/web`, {
    method: "POST",
    headers: { authorization: `Bearer ${credential}`, "content-type": "application/json", origin },
    body: JSON.stringify(body),
  });
}
