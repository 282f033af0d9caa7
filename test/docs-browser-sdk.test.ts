import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { fill, ROOT, sample } from "./lib/doc-samples.ts";
import { runNodeSample } from "./lib/run-sample.ts";
import { type LocalServer, startLocalServer, tempDir } from "./lib/servers.ts";

/**
 * The browser SDK's samples (packages/web/README.md, examples/web-app/README.md), run in Node as a page
 * on an origin runs them: `fetch` and `WebSocket` send that Origin (test/lib/browser-globals.ts). The
 * SDK is imported from its sources, so no build is needed.
 */

const APP = "https://app.example.com";
const SDK = JSON.stringify(join(ROOT, "packages/web/src/index.ts"));
const tmp = tempDir("docs-browser-sdk");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let server: LocalServer;
let assistantId: string;
let publicKey: string;
beforeEach(async () => {
  server = await startLocalServer();
  ({ id: assistantId } = await server.admin<{ id: string }>("POST", "/assistant", {
    name: "Support",
    firstMessage: "Hi {{name}}, how can I help?",
    model: { provider: "script", rules: [{ match: ["cost", "hello"], reply: "Plans start at 5 euros." }] },
  }));
  ({ value: publicKey } = await server.admin<{ value: string }>("POST", "/token", {
    tag: "public",
    restrictions: { allowedOrigins: [APP], allowedAssistantIds: [assistantId] },
  }));
});
afterEach(() => server.close());

describe("packages/web/README.md", () => {
  const page = () =>
    fill(sample("packages/web/README.md", "start").code, {
      '"@portcullis/web"': SDK,
      "pcpk_…": publicKey,
      "https://api.example.com": server.url,
      "asst_…": assistantId,
    });

  it("start: from an allowed origin, the call greets Ada and ends when asked", { timeout: 60_000 }, async () => {
    const run = await runNodeSample(join(tmp, "start.mts"), page(), { origin: APP });
    expect(run.stdout.split("\n")).toEqual(
      expect.arrayContaining(["assistant: Hi Ada, how can I help?", "ended: customer-ended-call"]),
    );
    expect(run.stderr).toBe("");
  });

  it("start: from another origin, the catch prints the refusal's code and request ID", {
    timeout: 60_000,
  }, async () => {
    const run = await runNodeSample(join(tmp, "start-refused.mts"), page(), { origin: "https://evil.example" });
    expect(run.stdout).toMatch(/^ORIGIN_NOT_ALLOWED req_[\w-]+$/);
  });
});

describe("examples/web-app/README.md", () => {
  it("page: the SDK as the example page uses it: a call with the public key", { timeout: 60_000 }, async () => {
    // What the page has around the excerpt: its /config.json and a way to show a line.
    const config = { publicKey, baseUrl: server.url, assistantId };
    const code = [
      `const config = ${JSON.stringify(config)};`,
      'const show = (role, text) => console.log(role + ": " + text);',
      fill(sample("examples/web-app/README.md", "page").code, { '"/sdk/index.js"': SDK }),
    ].join("\n");
    const run = await runNodeSample(join(tmp, "page.mjs"), code, { origin: APP });
    expect(run.stdout.split("\n")[0]).toBe("assistant: Hi Ada, how can I help?");
    expect(run.stderr).toBe("");
  });
});
