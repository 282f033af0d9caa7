// `npm run example`: a Portcullis server on a fresh data directory, seeded with an org, two
// assistants and the keys the example needs, and the example site beside it.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp, createOrgWithKey, loadConfig, openDataDir } from "@portcullis/server";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SITE = fileURLToPath(new URL("server.mjs", import.meta.url));

export type ExampleStack = {
  portcullisUrl: string;
  exampleUrl: string;
  orgId: string;
  /** The org's first private key: tests read call records with it. Never sent to the page. */
  privateKey: string;
  publicKey: string;
  assistantId: string;
  otherAssistantId: string;
  close(): Promise<void>;
};

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (typeof address !== "object" || address === null) throw new Error("no free port");
  return address.port;
}

/** Starts both servers; port 0 picks a free one. Without `dataDir`, a temporary one is used and removed on close. */
export async function startExample(
  options: { portcullisPort?: number; examplePort?: number; dataDir?: string } = {},
): Promise<ExampleStack> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "portcullis-example-")));
  const port = options.portcullisPort || (await freePort());
  const examplePort = options.examplePort || (await freePort());
  const portcullisUrl = `http://127.0.0.1:${port}`;
  const exampleOrigin = `http://127.0.0.1:${examplePort}`;

  const config = loadConfig({ PORT: String(port), PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_PUBLIC_URL: portcullisUrl });
  const { store, cipher, challengeKey, webhookKey } = await openDataDir(config.dataDir, config.masterKey);
  const { org, privateKey } = await createOrgWithKey(store, cipher, { name: "Example", at: new Date().toISOString() });
  const app = await createApp({ store, cipher, config, challengeKey, webhookKey, logger: false });
  await app.listen({ port, host: "127.0.0.1" });

  const admin = async (path: string, payload: unknown) => {
    const res = await fetch(`${portcullisUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${privateKey}`, "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    const body = (await res.json()) as { id: string; value: string };
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const support = await admin("/assistant", {
    name: "Support",
    firstMessage: "Hello {{name}}! Ask me about prices.",
    model: {
      provider: "script",
      rules: [
        { match: ["price", "prices", "cost"], reply: "Plans start at 5 euros a month, {{name}}." },
        { match: ["bye", "goodbye"], reply: "Goodbye!" },
      ],
      fallback: "I only know about prices. Try: what does it cost?",
    },
    endCallPhrases: ["goodbye"],
  });
  const internal = await admin("/assistant", { name: "Internal tools", firstMessage: "Not for the public." });
  const publicKey = await admin("/token", {
    tag: "public",
    name: "web-app page",
    restrictions: {
      allowedOrigins: [exampleOrigin],
      allowedAssistantIds: [support.id],
      rateLimits: [{ requests: 20, windowSeconds: 60, per: "ip" }],
      maxConcurrentCalls: 5,
    },
  });
  // The backend signs tokens with a private key of its own, revocable without touching anything else.
  const backendKey = await admin("/token", { tag: "private", name: "web-app backend (mints tokens)" });

  const site: ChildProcess = spawn(process.execPath, ["--conditions=development", "--import", "tsx", SITE], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(examplePort),
      PORTCULLIS_URL: portcullisUrl,
      PORTCULLIS_PUBLIC_KEY: publicKey.value,
      PORTCULLIS_PRIVATE_KEY: backendKey.value,
      PORTCULLIS_KEY_ID: backendKey.id,
      PORTCULLIS_ORG_ID: org.id,
      ASSISTANT_ID: support.id,
      OTHER_ASSISTANT_ID: internal.id,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const close = async () => {
    if (site.exitCode === null) site.kill();
    await app.close();
    await store.close();
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      site.once("exit", (code) => reject(new Error(`examples/web-app/server.mjs exited with ${code}`)));
      site.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("web-app listening")) resolve();
      });
    });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    portcullisUrl,
    exampleUrl: exampleOrigin,
    orgId: org.id,
    privateKey,
    publicKey: publicKey.value,
    assistantId: support.id,
    otherAssistantId: internal.id,
    close,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stack = await startExample({
    portcullisPort: Number(process.env.PORTCULLIS_PORT ?? 8787),
    examplePort: Number(process.env.PORT ?? 3000),
  });
  console.log(
    [
      "",
      `Portcullis API   ${stack.portcullisUrl}  (fresh data directory, removed on exit)`,
      `Example site     ${stack.exampleUrl}`,
      "",
      `Open ${stack.exampleUrl} and start a call. Open ${stack.exampleUrl.replace("127.0.0.1", "localhost")}`,
      "to see the same public key refused from another origin. Ctrl-C stops both.",
      "",
    ].join("\n"),
  );
  const stop = () => void stack.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
