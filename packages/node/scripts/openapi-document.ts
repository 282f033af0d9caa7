import { randomBytes } from "node:crypto";
import { createApp, createCipher, KyselyStore, openSqlite } from "@portcullis/server";
import type { OpenApiDocument } from "./render-api-types.ts";

/**
 * The server's OpenAPI document, as `GET /openapi.json` serves it, from an app built in memory:
 * no port, no data directory, nothing left behind.
 */
export async function loadOpenApiDocument(): Promise<OpenApiDocument> {
  const store = new KyselyStore(await openSqlite(":memory:"));
  const app = await createApp({
    store,
    cipher: createCipher(randomBytes(32)),
    config: { publicUrl: "http://localhost:8787", keyCacheSize: 10, keyCacheTtlSeconds: 30 },
  });
  try {
    await app.ready();
    return app.swagger() as unknown as OpenApiDocument;
  } finally {
    await app.close();
    await store.close();
  }
}
