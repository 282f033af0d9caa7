import { generateKeyPairSync, type JsonWebKey } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { createApp, createOrgWithKey, openDataDir } from "@portcullis/server";

/** What a seeded data directory holds, for building requests. */
export type Seed = {
  dataDir: string;
  orgId: string;
  privateKey: string;
  privateKeyId: string;
  publicKey: string;
  publicKeyId: string;
  assistantId: string;
  allowedOrigin: string;
  refusedOrigin: string;
  /** An ES256 key pair whose public half is registered as a signing key (kid `ES256_KID`). */
  es256PrivateJwk: JsonWebKey;
  /** An Ed25519 key pair whose public half is registered as a signing key (kid `EDDSA_KID`). */
  eddsaPrivateJwk: JsonWebKey;
};

export const ES256_KID = "bench-es256";
export const EDDSA_KID = "bench-eddsa";

export const ALLOWED_ORIGIN = "https://app.example.com";
export const REFUSED_ORIGIN = "https://evil.example.net";

/**
 * A fresh data directory with one org, a saved assistant and a public key restricted to one origin
 * and that assistant, made through the REST API (in-process) the way a customer would.
 */
export async function seedDataDir(parent: string, name: string): Promise<Seed> {
  return seedOrg(mkdtempSync(join(parent, `${name}-`)));
}

/** Adds one more org, seeded the same way, to a data directory (before a server opens it). */
export async function seedOrg(dataDir: string): Promise<Seed> {
  const { store, cipher } = await openDataDir(dataDir, undefined);
  const at = new Date().toISOString();
  const { org, keyId, privateKey } = await createOrgWithKey(store, cipher, { name: "Bench org", at });
  const app = await createApp({
    store,
    cipher,
    config: { publicUrl: "http://127.0.0.1", keyCacheSize: 100, keyCacheTtlSeconds: 30 },
  });
  try {
    const headers = { authorization: `Bearer ${privateKey}` };
    const assistant = await app.inject({
      method: "POST",
      url: "/assistant",
      headers,
      payload: { name: "Bench assistant", model: { provider: "openai", model: "gpt-4o-mini" } },
    });
    const assistantId = (assistant.json() as { id?: string }).id;
    if (assistant.statusCode !== 201 || !assistantId) throw new Error(`seed assistant: ${assistant.body}`);
    const key = await app.inject({
      method: "POST",
      url: "/token",
      headers,
      payload: {
        tag: "public",
        name: "Bench public key",
        restrictions: { allowedOrigins: [ALLOWED_ORIGIN], allowedAssistantIds: [assistantId] },
      },
    });
    const { id, value } = key.json() as { id?: string; value?: string };
    if (key.statusCode !== 201 || !id || !value) throw new Error(`seed public key: ${key.body}`);
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const edPair = generateKeyPairSync("ed25519");
    for (const [name, publicJwk, kid] of [
      ["Bench ES256", pair.publicKey.export({ format: "jwk" }), ES256_KID],
      ["Bench EdDSA", edPair.publicKey.export({ format: "jwk" }), EDDSA_KID],
    ] as const) {
      const signingKey = await app.inject({
        method: "POST",
        url: "/signing-key",
        headers,
        payload: { name, jwk: { ...publicJwk, kid } },
      });
      if (signingKey.statusCode !== 201) throw new Error(`seed signing key ${kid}: ${signingKey.body}`);
    }
    return {
      dataDir,
      orgId: org.id,
      privateKey,
      privateKeyId: keyId,
      publicKey: value,
      publicKeyId: id,
      assistantId,
      allowedOrigin: ALLOWED_ORIGIN,
      refusedOrigin: REFUSED_ORIGIN,
      es256PrivateJwk: pair.privateKey.export({ format: "jwk" }),
      eddsaPrivateJwk: edPair.privateKey.export({ format: "jwk" }),
    };
  } finally {
    await app.close();
    await store.close();
  }
}

/** The request a browser sends to start a call with the seeded public key. */
export function webCall(seed: Seed, origin: string, authorization = `Bearer ${seed.publicKey}`) {
  return {
    method: "POST" as const,
    path: "/call/web",
    headers: { authorization, origin, "content-type": "application/json" },
    body: JSON.stringify({ assistantId: seed.assistantId }),
  };
}
