import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCipher, type Store } from "../../src/index.ts";
import { createAssistant, createOrg, createPublicKey, type Json, type Org } from "../helpers.ts";
import { CallClient } from "./call-client.ts";
import {
  answersWhole,
  fails,
  garbage,
  hangs,
  type Imitation,
  stalls,
  startImitation,
  streams,
} from "./imitation-openai.ts";
import { APP_ORIGIN, endedCall, type LiveServer, startCall, startLiveServer } from "./live-server.ts";

const API_KEY = `sk-test-${"q".repeat(24)}`;
const PROVIDER_TIMEOUT_MS = 300;

const openaiAssistant = (): Json => ({
  name: "Helper",
  firstMessage: "Hello {{name}}, ask me anything.",
  model: {
    provider: "openai",
    model: "gpt-test",
    url: imitation.baseUrl,
    messages: [{ role: "system", content: "You help {{name}}" }],
  },
});

let server: LiveServer;
let imitation: Imitation;
let org: Org;
let key: string;
let assistantId: string;
beforeEach(async () => {
  server = await startLiveServer({ providerTimeoutMs: PROVIDER_TIMEOUT_MS });
  imitation = await startImitation();
  org = await createOrg(server);
  const added = await server.request("POST", "/credential", {
    key: org.privateKey,
    payload: { provider: "openai", apiKey: API_KEY, name: "Test provider" },
  });
  expect(added.statusCode, added.body).toBe(201);
  expect(added.body).not.toContain(API_KEY);
  assistantId = (await createAssistant(server, org.privateKey, openaiAssistant())).id;
  key = (
    await createPublicKey(server, org.privateKey, { allowedOrigins: [APP_ORIGIN], allowedAssistantIds: [assistantId] })
  ).value;
});
afterEach(async () => {
  await server.close();
  await imitation.close();
});

async function joinedCall() {
  const started = await startCall(server, key, {
    assistantId,
    assistantOverrides: { variableValues: { name: "Ada" } },
  });
  const client = await CallClient.join(started.webCallUrl, APP_ORIGIN);
  await client.next("status-update", (f) => f.status === "in-progress");
  expect(await client.assistantSays()).toBe("Hello Ada, ask me anything.");
  return { ...started, client };
}

describe("the openai engine against a local chat-completions server", () => {
  it("streams the provider's pieces, sends the filled prompt, history, stream:true and the credential", async () => {
    imitation.behave(streams(["Two ", "plus two ", "is four."]), streams(["Yes, ", "Ada."]));
    const { id, client } = await joinedCall();

    client.say("What is 2+2?");
    const mark = client.mark();
    expect(await client.assistantSays()).toBe("Two plus two is four.");
    const turn = client.since(mark);
    expect(turn.filter((f) => f.type === "model-output").map((f) => f.output)).toEqual([
      "Two ",
      "plus two ",
      "is four.",
    ]);
    expect(
      turn.filter((f) => f.type === "transcript" && f.transcriptType === "partial").map((f) => f.transcript),
    ).toEqual(["Two ", "Two plus two ", "Two plus two is four."]);

    client.say("Sure?");
    expect(await client.assistantSays()).toBe("Yes, Ada.");
    client.send({ type: "end-call" });
    const call = await endedCall(server, org.privateKey, id);
    expect(call).toMatchObject({ endedReason: "customer-ended-call", messageCount: 5 });
    expect(call.transcript).toBe(
      [
        "AI: Hello Ada, ask me anything.",
        "User: What is 2+2?",
        "AI: Two plus two is four.",
        "User: Sure?",
        "AI: Yes, Ada.",
      ].join("\n"),
    );

    expect(imitation.requests).toHaveLength(2);
    const [first, second] = imitation.requests as [(typeof imitation.requests)[0], (typeof imitation.requests)[0]];
    expect(first.path).toBe("/v1/chat/completions");
    expect(first.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(first.headers["content-type"]).toMatch(/^application\/json/);
    expect(first.body).toEqual({
      model: "gpt-test",
      stream: true,
      messages: [
        { role: "system", content: "You help Ada" },
        { role: "assistant", content: "Hello Ada, ask me anything." },
        { role: "user", content: "What is 2+2?" },
      ],
    });
    expect(second.body.messages).toEqual([
      { role: "system", content: "You help Ada" },
      { role: "assistant", content: "Hello Ada, ask me anything." },
      { role: "user", content: "What is 2+2?" },
      { role: "assistant", content: "Two plus two is four." },
      { role: "user", content: "Sure?" },
    ]);
  });

  it("keeps the credential sealed: never returned, not readable in the database", async () => {
    const list = await server.request("GET", "/credential", { key: org.privateKey });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(API_KEY);
    const [credential] = list.json() as unknown as Json[];
    expect(credential).toMatchObject({ provider: "openai", name: "Test provider" });
    expect(Object.keys(credential ?? {}).sort()).toEqual(["createdAt", "id", "name", "orgId", "provider"]);

    const rows = await server.db.selectFrom("credentials").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(API_KEY);
    expect(JSON.stringify(rows)).not.toContain(Buffer.from(API_KEY).toString("base64"));
  });

  it("works with a server that ignores stream:true and answers one JSON completion", async () => {
    imitation.behave(answersWhole("A whole answer."), streams(["Still ", "here."]));
    const { client } = await joinedCall();
    client.say("Hi");
    const mark = client.mark();
    expect(await client.assistantSays()).toBe("A whole answer.");
    expect(client.since(mark).filter((f) => f.type === "model-output")).toEqual([
      { type: "model-output", output: "A whole answer." },
    ]);
    client.say("And now?");
    expect(await client.assistantSays()).toBe("Still here.");
  });

  it.each([
    ["answers 500", fails(500), "PROVIDER_ERROR"],
    ["answers 401", fails(401), "PROVIDER_ERROR"],
    ["sends data lines that are not JSON", garbage, "PROVIDER_ERROR"],
    ["never answers", hangs, "PROVIDER_TIMEOUT"],
    ["stops in the middle of the stream", stalls(["I was about to "]), "PROVIDER_TIMEOUT"],
  ])("ends the call as provider-error when the provider %s", async (_, behaviour, code) => {
    imitation.behave(behaviour);
    const { id, client } = await joinedCall();
    const asked = Date.now();
    client.say("Tell me something.");
    const error = await client.next("error");
    expect(error).toMatchObject({ type: "error", code });
    expect(typeof error.message).toBe("string");
    expect(await client.next("status-update")).toEqual({
      type: "status-update",
      status: "ended",
      endedReason: "provider-error",
    });
    await client.closed;
    // Bounded by the provider timeout, not by the 10-minute call limit.
    expect(Date.now() - asked).toBeLessThan(PROVIDER_TIMEOUT_MS + 3_000);

    const call = await endedCall(server, org.privateKey, id);
    expect(call.endedReason).toBe("provider-error");
    expect(call.transcript).toBe("AI: Hello Ada, ask me anything.\nUser: Tell me something.");
    // The hung request is given up, not left open.
    await imitation.requests[0]?.gone;
  });

  it("ends as customer-ended-call within seconds when the client drops mid-stream, and cancels the request", async () => {
    imitation.behave(
      streams(
        Array.from({ length: 200 }, (_, i) => `word${i} `),
        50,
      ),
    );
    const { id, client } = await joinedCall();
    client.say("Tell me a long story.");
    await client.next("model-output");
    const dropped = Date.now();
    client.terminate();

    const call = await endedCall(server, org.privateKey, id, 5_000);
    expect(call.endedReason).toBe("customer-ended-call");
    expect(Date.now() - dropped).toBeLessThan(5_000);
    const upstream = imitation.requests[0];
    await upstream?.gone;
    expect(upstream?.aborted()).toBe(true);
  });

  it("does not lose a message sent right after the socket opens, even when the store is slow", async () => {
    await server.close();
    // A networked database takes a while to find the credential; the socket is open meanwhile.
    server = await startLiveServer({
      providerTimeoutMs: PROVIDER_TIMEOUT_MS,
      wrapStore: (store) =>
        Object.assign(Object.create(store) as Store, {
          listCredentials: async (orgId: string) => {
            await new Promise((resolve) => setTimeout(resolve, 150));
            return store.listCredentials(orgId);
          },
        }),
    });
    org = await createOrg(server);
    await server.request("POST", "/credential", {
      key: org.privateKey,
      payload: { provider: "openai", apiKey: API_KEY },
    });
    assistantId = (await createAssistant(server, org.privateKey, openaiAssistant())).id;
    key = (await createPublicKey(server, org.privateKey, { allowedOrigins: [APP_ORIGIN] })).value;
    imitation.behave(streams(["Got ", "it."]));
    const started = await startCall(server, key, {
      assistantId,
      assistantOverrides: { variableValues: { name: "Ada" } },
    });
    const client = await CallClient.join(started.webCallUrl, APP_ORIGIN);
    client.say("Right away!");
    await client.next("transcript", (f) => f.transcriptType === "final" && f.transcript === "Got it.");
    const finals = client.frames.filter((f) => f.type === "transcript" && f.transcriptType === "final");
    // The user spoke before the greeting's turn ran, so the greeting may come after the echo.
    expect(finals.map((f) => `${f.role}: ${f.transcript}`).sort()).toEqual([
      "assistant: Got it.",
      "assistant: Hello Ada, ask me anything.",
      "user: Right away!",
    ]);
    expect(finals.at(-1)?.transcript).toBe("Got it.");
  });

  it("ends as customer-ended-call when the client leaves while the credential is being read", async () => {
    await server.close();
    // No timers at all: neither a ping nor the maximum duration may be what ends this call.
    server = await startLiveServer({
      schedule: () => () => undefined,
      wrapStore: (store) =>
        Object.assign(Object.create(store) as Store, {
          listCredentials: async (orgId: string) => {
            await new Promise((resolve) => setTimeout(resolve, 150));
            return store.listCredentials(orgId);
          },
        }),
    });
    org = await createOrg(server);
    await server.request("POST", "/credential", {
      key: org.privateKey,
      payload: { provider: "openai", apiKey: API_KEY },
    });
    assistantId = (await createAssistant(server, org.privateKey, openaiAssistant())).id;
    key = (await createPublicKey(server, org.privateKey, { allowedOrigins: [APP_ORIGIN] })).value;
    const started = await startCall(server, key, { assistantId });
    const client = await CallClient.join(started.webCallUrl, APP_ORIGIN);
    client.terminate();
    expect((await endedCall(server, org.privateKey, started.id, 3_000)).endedReason).toBe("customer-ended-call");
  });

  it("ends the call as provider-error, without crashing, when the credential cannot be opened", async () => {
    // As if the database were restored under another master key.
    const [row] = await server.db.selectFrom("credentials").select("id").execute();
    const foreign = createCipher(randomBytes(32)).seal(API_KEY, String(row?.id));
    await server.db.updateTable("credentials").set({ encrypted_api_key: foreign }).execute();

    const started = await startCall(server, key, { assistantId });
    const client = await CallClient.join(started.webCallUrl, APP_ORIGIN);
    expect(await client.next("error")).toMatchObject({ code: "PROVIDER_ERROR" });
    expect(await client.next("status-update", (f) => f.status === "ended")).toMatchObject({
      endedReason: "provider-error",
    });
    expect((await endedCall(server, org.privateKey, started.id)).endedReason).toBe("provider-error");
    expect(imitation.requests).toEqual([]);
    expect((await server.request("GET", "/health")).statusCode).toBe(200);
  });
});
