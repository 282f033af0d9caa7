import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createApp, createCipher, createOrgWithKey, KyselyStore, openSqlite } from "@portcullis/server";
import { describe, expect, it } from "vitest";

const doc = readFileSync(new URL("../docs/jwt.md", import.meta.url), "utf8");
const samples = [...doc.matchAll(/```(\w+) test="([\w-]+)"\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1] as string,
  name: m[2] as string,
  code: m[3] as string,
}));
const root = new URL("..", import.meta.url).pathname;
const tmp = join(root, ".tmp", "docs-jwt");
mkdirSync(tmp, { recursive: true });

function run(sample: { lang: string; name: string; code: string }, env: Record<string, string>): string {
  const options = { env: { ...process.env, ...env }, cwd: root, encoding: "utf8" as const, timeout: 30_000 };
  if (sample.lang === "js") {
    const file = join(tmp, `${sample.name}.mjs`);
    writeFileSync(file, sample.code);
    return execFileSync(process.execPath, ["--import", "tsx", file], options).trim();
  }
  if (sample.lang === "python") return execFileSync("python3", ["-c", sample.code], options).trim();
  return execFileSync("bash", ["-c", sample.code], options).trim();
}

describe("docs/jwt.md samples", () => {
  it("has the four minting samples", () => {
    expect(samples.map((s) => s.name)).toEqual(["node-sdk", "node-crypto", "python", "shell"]);
  });

  it.each(samples)("the $name sample mints a token the server accepts from the allowed origin only", async (sample) => {
    const store = new KyselyStore(await openSqlite(":memory:"));
    const cipher = createCipher(randomBytes(32));
    const app = await createApp({
      store,
      cipher,
      config: { publicUrl: "http://localhost:8787", keyCacheSize: 100, keyCacheTtlSeconds: 30 },
    });
    const { org, keyId, privateKey } = await createOrgWithKey(store, cipher, {
      name: "Docs",
      at: new Date().toISOString(),
    });
    const token = run(sample, {
      PORTCULLIS_PRIVATE_KEY: privateKey,
      PORTCULLIS_KEY_ID: keyId,
      PORTCULLIS_ORG_ID: org.id,
    });
    const assistant = await app.inject({
      method: "POST",
      url: "/assistant",
      headers: { authorization: `Bearer ${privateKey}` },
      payload: { name: "Docs" },
    });
    const start = (origin: string) =>
      app.inject({
        method: "POST",
        url: "/call/web",
        headers: { authorization: `Bearer ${token}`, origin },
        payload: { assistantId: assistant.json().id },
      });
    const refused = await start("https://evil.example");
    expect(refused.json().code).toBe("ORIGIN_NOT_ALLOWED");
    const allowed = await start("https://app.example.com");
    expect(allowed.statusCode).toBe(201);
    await app.close();
    await store.close();
  });
});
