import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAssistant, createOrg, createPublicKey, type Org } from "../helpers.ts";
import { CallClient } from "./call-client.ts";
import { APP_ORIGIN, endedCall, type LiveServer, startCall, startLiveServer } from "./live-server.ts";

let server: LiveServer;
let org: Org;
let client: CallClient;
let callId: string;
beforeEach(async () => {
  server = await startLiveServer();
  org = await createOrg(server);
  const { id: assistantId } = await createAssistant(server, org.privateKey, {
    name: "Echo",
    firstMessage: "Ready.",
    model: { provider: "script", rules: [{ match: ["ping"], reply: "pong" }], fallback: "Say ping." },
  });
  const key = await createPublicKey(server, org.privateKey, { allowedOrigins: [APP_ORIGIN] });
  const started = await startCall(server, key.value, { assistantId });
  callId = started.id;
  client = await CallClient.join(started.webCallUrl, APP_ORIGIN);
  expect(await client.assistantSays()).toBe("Ready.");
});
afterEach(async () => {
  await server.close();
});

async function expectEndedBy(reason: string, code?: string): Promise<void> {
  if (code) expect(await client.next("error")).toMatchObject({ type: "error", code });
  expect(await client.next("status-update")).toEqual({ type: "status-update", status: "ended", endedReason: reason });
  await client.closed;
  expect((await endedCall(server, org.privateKey, callId)).endedReason).toBe(reason);
}

describe("frames a call does not understand", () => {
  it.each([
    ["malformed JSON", "{nope"],
    ["a JSON array", "[1,2]"],
    ["JSON null", "null"],
    ["an unknown type", JSON.stringify({ type: "dance" })],
    ["a frame without a type", JSON.stringify({ message: "hi" })],
    ["add-message without content", JSON.stringify({ type: "add-message", message: { role: "user" } })],
    [
      "add-message with blank content",
      JSON.stringify({ type: "add-message", message: { role: "user", content: " " } }),
    ],
    [
      "add-message as the assistant",
      JSON.stringify({ type: "add-message", message: { role: "assistant", content: "x" } }),
    ],
    ["say without a message", JSON.stringify({ type: "say" })],
    ["an unknown control", JSON.stringify({ type: "control", control: "self-destruct" })],
  ])("answers %s with INVALID_FRAME and the call goes on", async (_, frame) => {
    client.sendRaw(frame);
    const error = await client.next("error");
    expect(error).toMatchObject({ type: "error", code: "INVALID_FRAME" });
    expect(String(error.message).length).toBeGreaterThan(0);
    client.say("ping");
    expect(await client.assistantSays()).toBe("pong");
  });

  it("answers a binary frame with INVALID_FRAME and the call goes on", async () => {
    client.sendRaw(
      Buffer.from(JSON.stringify({ type: "add-message", message: { role: "user", content: "ping" } })),
      true,
    );
    expect(await client.next("error")).toMatchObject({ code: "INVALID_FRAME" });
    client.say("ping");
    expect(await client.assistantSays()).toBe("pong");
    client.send({ type: "end-call" });
    const call = await endedCall(server, org.privateKey, callId);
    // The binary frame was not taken as a message.
    expect(call.transcript).toBe("AI: Ready.\nUser: ping\nAI: pong");
  });
});

describe("frames that end the call", () => {
  it("ends a call sent a 70 KB frame as frame-too-large, with FRAME_TOO_LARGE", async () => {
    client.say("x".repeat(70 * 1024));
    await expectEndedBy("frame-too-large", "FRAME_TOO_LARGE");
  });

  it("ends a call sent a frame over 1 MB as frame-too-large", async () => {
    client.say("x".repeat(1024 * 1024 + 1));
    // The socket refuses the frame itself (close code 1009), so no error frame can be sent first.
    expect([1006, 1009]).toContain((await client.closed).code);
    const call = await endedCall(server, org.privateKey, callId);
    expect(call.endedReason).toBe("frame-too-large");
  });

  it("ends a call flooded with 25 frames at once as frame-rate-exceeded, with FRAME_RATE_EXCEEDED", async () => {
    for (let i = 0; i < 25; i++) client.send({ type: "control", control: "unmute-assistant" });
    await expectEndedBy("frame-rate-exceeded", "FRAME_RATE_EXCEEDED");
  });

  it("allows 20 frames in one second, and more once the second has passed", async () => {
    for (let i = 0; i < 19; i++) client.send({ type: "control", control: "unmute-assistant" });
    client.say("ping");
    expect(await client.assistantSays()).toBe("pong");
    // By the server's clock a second passes; nothing sleeps.
    server.clock.advance(1_001);
    for (let i = 0; i < 18; i++) client.send({ type: "control", control: "unmute-assistant" });
    client.say("ping");
    expect(await client.assistantSays()).toBe("pong");
    client.send({ type: "end-call" });
    expect((await endedCall(server, org.privateKey, callId)).endedReason).toBe("customer-ended-call");
  });
});
