import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, sample } from "./lib/doc-samples.ts";
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

/** The client frames of the protocol table, as written (`…` is the text to fill in). */
function clientFrames(): string[] {
  const text = readFileSync(join(ROOT, DOC), "utf8");
  const section = text.slice(text.indexOf("Client → server:"), text.indexOf("Server → client:"));
  return [...section.matchAll(/^\| `(\{[^`]+\})`/gm)].map((m) => m[1] as string);
}

describe("docs/live-calls.md protocol", () => {
  it("each client frame of the table does what it says", { timeout: 30_000 }, async () => {
    const frames = clientFrames();
    expect(frames.map((frame) => JSON.parse(frame.replace("…", "")).type)).toEqual([
      "add-message",
      "say",
      "control",
      "control",
      "end-call",
    ]);
    const [addMessage, say, sayFirst, mute, end] = frames as [string, string, string, string, string];
    const { id: assistantId } = await server.admin<{ id: string }>("POST", "/assistant", {
      name: "Support",
      firstMessage: "Hello!",
      model: { provider: "script", rules: [{ match: ["price"], reply: "Plans start at 5 euros." }] },
    });
    const { value } = await server.admin<{ value: string }>("POST", "/token", {
      tag: "public",
      restrictions: { allowedOrigins: [APP] },
    });
    const started = await server.webCall(value, APP, { assistantId });
    const call = await joinCall(String(started.body.webCallUrl), APP);
    expect(await call.next()).toBe("Hello!");

    call.sendFrame(addMessage.replace("…", "What is the price?"));
    expect(await call.next()).toBe("Plans start at 5 euros.");
    call.sendFrame(say.replace("…", "Said verbatim."));
    expect(await call.next()).toBe("Said verbatim.");
    call.sendFrame(sayFirst);
    expect(await call.next()).toBe("Hello!");
    // Muted, the price question gets no answer: the next thing said is what `say` asks for.
    call.sendFrame(mute);
    call.sendFrame(addMessage.replace("…", "And the price again?"));
    call.sendFrame(say.replace("…", "Still here."));
    expect(await call.next()).toBe("Still here.");
    call.sendFrame(mute.replace("mute-assistant", "unmute-assistant"));
    // Nothing else came in between (a late answer to the muted question would be next).
    call.sendFrame(say.replace("…", "Unmuted."));
    expect(await call.next()).toBe("Unmuted.");
    call.sendFrame(addMessage.replace("…", "Price?"));
    expect(await call.next()).toBe("Plans start at 5 euros.");
    call.sendFrame(end);
    await call.closed;

    const ended = await server.admin<{ endedReason: string; messages: { content?: string; message?: string }[] }>(
      "GET",
      `/call/${started.body.id}`,
    );
    expect(ended.endedReason).toBe("customer-ended-call");
    // Muted messages are still recorded.
    expect(JSON.stringify(ended.messages)).toContain("And the price again?");
  });
});
