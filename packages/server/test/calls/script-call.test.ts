import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAssistant, createOrg, createPublicKey, type Json, type Org } from "../helpers.ts";
import { CallClient, type Frame } from "./call-client.ts";
import { APP_ORIGIN, endedCall, type LiveServer, startCall, startLiveServer } from "./live-server.ts";

const SUPPORT = {
  name: "Support",
  firstMessage: "Hi {{name}}, how can I help?",
  model: {
    provider: "script",
    rules: [
      { match: ["price", "cost"], reply: "It costs 10 euros, {{name}}." },
      { match: "^(hi|hello)\\b", reply: "Hello again!" },
      { match: ["bye"], reply: "Goodbye then." },
    ],
    fallback: "Sorry {{name}}, I did not get that.",
  },
  endCallPhrases: ["goodbye"],
  endCallMessage: "Bye {{name}}!",
};

let server: LiveServer;
let org: Org;
beforeEach(async () => {
  server = await startLiveServer();
  org = await createOrg(server);
});
afterEach(async () => {
  await server.close();
});

/** A public key locked to the app's origin and one saved assistant, and a call joined from that origin. */
async function joinedCall(assistant: Json = SUPPORT, variableValues: Json = { name: "Ada" }) {
  const { id: assistantId } = await createAssistant(server, org.privateKey, assistant);
  const key = await createPublicKey(server, org.privateKey, {
    allowedOrigins: [APP_ORIGIN],
    allowedAssistantIds: [assistantId],
  });
  const started = await startCall(server, key.value, { assistantId, assistantOverrides: { variableValues } });
  const client = await CallClient.join(started.webCallUrl, APP_ORIGIN);
  expect(await client.next("status-update")).toEqual({ type: "status-update", status: "in-progress" });
  return { ...started, client };
}

/** The frames of one streamed assistant turn, after the user's message was echoed. */
function turnFrames(frames: Frame[]) {
  return {
    pieces: frames.filter((f) => f.type === "model-output").map((f) => String(f.output)),
    partials: frames
      .filter((f) => f.type === "transcript" && f.transcriptType === "partial")
      .map((f) => String(f.transcript)),
  };
}

describe("a script call from an allowed origin", () => {
  it("greets with variables filled, answers by keyword, regex and fallback, streamed, and is recorded", async () => {
    const { id, webCallUrl, client } = await joinedCall();
    expect(webCallUrl).toMatch(new RegExp(`^${server.url.replace("http", "ws")}/call/${id}/ws\\?token=[\\w-]{20,}$`));

    expect(await client.assistantSays()).toBe("Hi Ada, how can I help?");
    expect(await client.next("conversation-update")).toEqual({
      type: "conversation-update",
      messages: [{ role: "assistant", content: "Hi Ada, how can I help?" }],
    });

    const turns: [string, string][] = [
      ["What is the PRICE?", "It costs 10 euros, Ada."],
      ["hello there", "Hello again!"],
      ["what is the weather", "Sorry Ada, I did not get that."],
    ];
    for (const [said, expected] of turns) {
      client.say(said);
      expect(await client.next("transcript", (f) => f.role === "user")).toEqual({
        type: "transcript",
        role: "user",
        transcriptType: "final",
        transcript: said,
      });
      const mark = client.mark();
      expect(await client.assistantSays()).toBe(expected);
      const { pieces, partials } = turnFrames(client.since(mark));
      // Streamed: several pieces, each partial transcript the text so far, the last one the whole reply.
      expect(pieces.length).toBeGreaterThan(1);
      expect(pieces.join("")).toBe(expected);
      expect(partials).toEqual(pieces.map((_, i) => pieces.slice(0, i + 1).join("")));
      const update = await client.next(
        "conversation-update",
        (f) => (f.messages as Json[]).at(-1)?.content === expected,
      );
      expect((update.messages as Json[]).at(-2)).toEqual({ role: "user", content: said });
    }

    client.send({ type: "end-call" });
    expect(await client.next("status-update")).toEqual({
      type: "status-update",
      status: "ended",
      endedReason: "customer-ended-call",
    });
    expect((await client.closed).code).toBe(1000);

    const call = await endedCall(server, org.privateKey, id);
    expect(call).toMatchObject({ status: "ended", endedReason: "customer-ended-call", messageCount: 7 });
    expect(call.durationSeconds).toBeGreaterThan(0);
    const startedAt = Date.parse(String(call.startedAt));
    const endedAt = Date.parse(String(call.endedAt));
    expect(endedAt).toBeGreaterThanOrEqual(startedAt);
    expect(call.durationSeconds).toBeCloseTo((endedAt - startedAt) / 1000, 2);
    expect(call.transcript).toBe(
      [
        "AI: Hi Ada, how can I help?",
        "User: What is the PRICE?",
        "AI: It costs 10 euros, Ada.",
        "User: hello there",
        "AI: Hello again!",
        "User: what is the weather",
        "AI: Sorry Ada, I did not get that.",
      ].join("\n"),
    );
    expect((call.messages as Json[]).map((m) => m.role)).toEqual([
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
  });

  it("ends as assistant-ended-call when a reply has an end-call phrase, after saying endCallMessage", async () => {
    const { id, client } = await joinedCall();
    await client.assistantSays();
    client.say("ok bye");
    expect(await client.assistantSays()).toBe("Goodbye then.");
    expect(await client.assistantSays()).toBe("Bye Ada!");
    expect(await client.next("status-update")).toMatchObject({ status: "ended", endedReason: "assistant-ended-call" });
    await client.closed;

    const call = await endedCall(server, org.privateKey, id);
    expect(call.endedReason).toBe("assistant-ended-call");
    expect(String(call.transcript).split("\n").slice(-2)).toEqual(["AI: Goodbye then.", "AI: Bye Ada!"]);
  });

  it("says what a say frame asks, without model output, and can end the call after it", async () => {
    const { id, client } = await joinedCall();
    await client.assistantSays();
    const mark = client.mark();
    client.send({ type: "say", message: "Please hold." });
    expect(await client.assistantSays()).toBe("Please hold.");
    expect(client.since(mark).filter((f) => f.type === "model-output")).toEqual([]);

    client.send({ type: "say", message: "That is all for today.", endCallAfterSpoken: true });
    expect(await client.assistantSays()).toBe("That is all for today.");
    expect(await client.next("status-update")).toMatchObject({ status: "ended", endedReason: "assistant-ended-call" });
    const call = await endedCall(server, org.privateKey, id);
    expect(call.messageCount).toBe(3);
  });

  it("stays silent while muted, answers again when unmuted, and repeats the first message on request", async () => {
    const { id, client } = await joinedCall();
    await client.assistantSays();

    client.send({ type: "control", control: "mute-assistant" });
    client.say("what does it cost?");
    await client.next("transcript", (f) => f.role === "user");
    client.send({ type: "control", control: "unmute-assistant" });
    client.say("hello");
    await client.next("transcript", (f) => f.role === "user");
    // Turns run in order: had the muted message been answered, its reply would come first.
    const mark = client.mark();
    expect(await client.assistantSays()).toBe("Hello again!");
    expect(client.since(mark).filter((f) => f.type === "model-output" && String(f.output).includes("costs"))).toEqual(
      [],
    );

    client.send({ type: "control", control: "say-first-message" });
    expect(await client.assistantSays()).toBe("Hi Ada, how can I help?");

    client.send({ type: "end-call" });
    const call = await endedCall(server, org.privateKey, id);
    expect(call.transcript).toBe(
      [
        "AI: Hi Ada, how can I help?",
        "User: what does it cost?",
        "User: hello",
        "AI: Hello again!",
        "AI: Hi Ada, how can I help?",
      ].join("\n"),
    );
  });

  it("waits for the user first when firstMessageMode is assistant-waits-for-user", async () => {
    const { id, client } = await joinedCall({ ...SUPPORT, firstMessageMode: "assistant-waits-for-user" });
    client.say("price?");
    expect(await client.assistantSays()).toBe("It costs 10 euros, Ada.");
    client.send({ type: "end-call" });
    const call = await endedCall(server, org.privateKey, id);
    expect(call.transcript).toBe("User: price?\nAI: It costs 10 euros, Ada.");
  });

  it("leaves an unknown {{variable}} visible rather than blank", async () => {
    const { client } = await joinedCall(SUPPORT, {});
    expect(await client.assistantSays()).toBe("Hi {{name}}, how can I help?");
  });
});
