import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sample } from "./lib/doc-samples.ts";
import { joinCall } from "./lib/live-call.ts";
import { type LocalServer, startLocalServer } from "./lib/servers.ts";

/** docs/live-calls.md: the script engine's example model, saved on an assistant and talked to over the WebSocket. */

const DOC = "docs/live-calls.md";
const APP = "https://app.example.com";

let server: LocalServer;
beforeEach(async () => {
  server = await startLocalServer();
});
afterEach(() => server.close());

describe("docs/live-calls.md", () => {
  it("script-engine: keywords, then the regular expression, then the fallback", { timeout: 30_000 }, async () => {
    const model = JSON.parse(sample(DOC, "script-engine").code);
    const { id: assistantId } = await server.admin<{ id: string }>("POST", "/assistant", { name: "Support", model });
    const { value } = await server.admin<{ value: string }>("POST", "/token", {
      tag: "public",
      restrictions: { allowedOrigins: [APP] },
    });
    const started = await server.webCall(value, APP, {
      assistantId,
      assistantOverrides: { variableValues: { name: "Ada" } },
    });
    expect(started.status).toBe(201);

    const call = await joinCall(String(started.body.webCallUrl), APP);
    call.send("What does it COST?");
    expect(await call.next()).toBe("Plans start at 5 euros, Ada.");
    call.send("hello there");
    expect(await call.next()).toBe("Hello!");
    // "hi" only at the start: the pattern is anchored.
    call.send("oh, hi");
    expect(await call.next()).toBe("Let me find someone who knows.");
    // Keywords are whole words.
    call.send("priceless");
    expect(await call.next()).toBe("Let me find someone who knows.");
    await call.end();
  });
});
