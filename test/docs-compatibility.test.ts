import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { fill, sample } from "./lib/doc-samples.ts";
import { runNodeSample } from "./lib/run-sample.ts";
import { type LocalServer, startLocalServer, tempDir } from "./lib/servers.ts";

/** docs/compatibility.md: the @vapi-ai/server-sdk sample, run as written against a Portcullis server. */

const DOC = "docs/compatibility.md";
const tmp = tempDir("docs-compatibility");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let server: LocalServer;
beforeEach(async () => {
  server = await startLocalServer();
});
afterEach(() => server.close());

describe("docs/compatibility.md", () => {
  it("server-sdk: creates, reads and lists with the published SDK and a Portcullis private key", {
    timeout: 60_000,
  }, async () => {
    const code = fill(sample(DOC, "server-sdk").code, { "http://127.0.0.1:8787": `http://127.0.0.1:${server.port}` });
    const run = await runNodeSample(join(tmp, "server-sdk.mts"), code, {
      env: { PORTCULLIS_PRIVATE_KEY: server.privateKey },
    });
    expect(run.stderr).toBe("");
    const assistants = await server.admin<{ name: string; firstMessage: string; model: unknown }[]>(
      "GET",
      "/assistant",
    );
    expect(assistants).toEqual([
      expect.objectContaining({
        name: "Support",
        firstMessage: "Hello!",
        model: { provider: "openai", model: "gpt-4o-mini" },
      }),
    ]);
  });
});
