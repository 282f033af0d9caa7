import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fill, sample } from "./lib/doc-samples.ts";
import { type LocalServer, startLocalServer } from "./lib/servers.ts";

/** The examples of docs/restrictions.md, saved on a public key and enforced on call starts. */

const DOC = "docs/restrictions.md";

let server: LocalServer;
let assistantId: string;
let otherAssistantId: string;
beforeEach(async () => {
  server = await startLocalServer();
  ({ id: assistantId } = await server.admin<{ id: string }>("POST", "/assistant", { name: "Support" }));
  ({ id: otherAssistantId } = await server.admin<{ id: string }>("POST", "/assistant", { name: "Internal" }));
});
afterEach(() => server.close());

/** A public key with the example's restrictions (`asst_…` filled in); the key's value. */
async function keyWith(id: string): Promise<string> {
  const code = sample(DOC, id).code;
  const restrictions = JSON.parse(code.includes("asst_…") ? fill(code, { "asst_…": assistantId }) : code);
  const key = await server.admin<{ value: string; restrictions: unknown }>("POST", "/token", {
    tag: "public",
    restrictions,
  });
  expect(key.restrictions).toMatchObject(restrictions);
  return key.value;
}

describe("docs/restrictions.md examples", () => {
  it("one-site: the listed assistant from the listed origin only", async () => {
    const key = await keyWith("one-site");
    expect((await server.webCall(key, "https://app.example.com", { assistantId })).status).toBe(201);
    expect((await server.webCall(key, "https://evil.example", { assistantId })).body.code).toBe("ORIGIN_NOT_ALLOWED");
    expect((await server.webCall(key, "https://app.example.com", { assistantId: otherAssistantId })).body.code).toBe(
      "ASSISTANT_NOT_ALLOWED",
    );
    expect(
      (await server.webCall(key, "https://app.example.com", { assistant: { firstMessage: "Hi" } })).body.code,
    ).toBe("TRANSIENT_ASSISTANT_NOT_ALLOWED");
    const model = { provider: "script", rules: [] };
    expect(
      (await server.webCall(key, "https://app.example.com", { assistantId, assistantOverrides: { model } })).body.code,
    ).toBe("OVERRIDE_NOT_ALLOWED");
  });

  it("subdomains: any subdomain, not the apex; inline assistants; the first message but not the model", async () => {
    const key = await keyWith("subdomains");
    const inline = { assistant: { firstMessage: "Hi", model: { provider: "script", rules: [] } } };
    expect((await server.webCall(key, "https://a.example.com", inline)).status).toBe(201);
    expect((await server.webCall(key, "https://a.b.example.com", { assistantId })).status).toBe(201);
    expect((await server.webCall(key, "https://example.com", { assistantId })).body.code).toBe("ORIGIN_NOT_ALLOWED");
    expect((await server.webCall(key, "https://evilexample.com", { assistantId })).body.code).toBe(
      "ORIGIN_NOT_ALLOWED",
    );
    const firstMessage = { assistantId, assistantOverrides: { firstMessage: "Welcome back" } };
    expect((await server.webCall(key, "https://a.example.com", firstMessage)).status).toBe(201);
    const model = { assistantId, assistantOverrides: { model: { provider: "script", rules: [] } } };
    expect((await server.webCall(key, "https://a.example.com", model)).body.code).toBe("OVERRIDE_NOT_ALLOWED");
  });
});
