import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fill, ROOT, sample } from "./lib/doc-samples.ts";
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

/** The rows of the "Origin rules" table: a rule, the origins it matches and those it does not. */
function originTable(): { rule: string; matches: string[]; misses: string[] }[] {
  const text = readFileSync(join(ROOT, DOC), "utf8");
  const section = text.slice(text.indexOf("## Origin rules"), text.indexOf("## Overrides"));
  const ticked = (cell: string | undefined) => [...(cell ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [rule, matches, misses] = line.split("|").slice(1, 4).map(ticked);
      return { rule: rule?.[0] as string, matches: matches ?? [], misses: misses ?? [] };
    });
}

describe("docs/restrictions.md origin rules", () => {
  it("has the table", () => {
    expect(originTable().map((row) => row.rule)).toEqual([
      "https://app.example.com",
      "https://*.example.com",
      "http://localhost:3000",
      "https://bücher.example",
    ]);
  });

  it.each(originTable())("$rule matches and misses what the table says", async ({ rule, matches, misses }) => {
    const key = await server.admin<{ value: string }>("POST", "/token", {
      tag: "public",
      restrictions: { allowedOrigins: [rule] },
    });
    for (const origin of matches)
      expect({ origin, ...(await server.webCall(key.value, origin, { assistantId })) }).toMatchObject({ status: 201 });
    for (const origin of misses)
      expect({ origin, code: (await server.webCall(key.value, origin, { assistantId })).body.code }).toEqual({
        origin,
        code: "ORIGIN_NOT_ALLOWED",
      });
  });

  it.each(["https://*.vercel.app", "https://*.co.uk", "https://*.com"])("%s is refused when saved", async (rule) => {
    const answer = await server.app.inject({
      method: "POST",
      url: "/token",
      headers: { authorization: `Bearer ${server.privateKey}` },
      payload: { tag: "public", restrictions: { allowedOrigins: [rule] } },
    });
    expect(answer.json()).toMatchObject({ statusCode: 400, code: "INVALID_ORIGIN_RULE" });
  });
});
