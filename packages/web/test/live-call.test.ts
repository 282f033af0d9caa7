import { createClientToken } from "@portcullis/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Call, Portcullis, PortcullisError, type TranscriptMessage } from "../src/index.ts";
import { APP_ORIGIN, browserOn, type Live, startServer } from "./live-server.ts";

let server: Live;
let assistantId: string;
beforeEach(async () => {
  server = await startServer();
  ({ id: assistantId } = (await server.admin("POST", "/assistant", {
    name: "Echo",
    firstMessage: "Hello {{name}}, ask me about prices.",
    model: {
      provider: "script",
      rules: [{ match: ["price"], reply: "Plans start at 5 euros." }],
      fallback: "Say price.",
    },
  })) as { id: string });
});
afterEach(async () => {
  await server.close();
});

async function publicKey(restrictions: Record<string, unknown>): Promise<string> {
  return String((await server.admin("POST", "/token", { tag: "public", name: "Browser", restrictions })).value);
}

/** Resolves with the next final thing the assistant says. */
function nextAssistantLine(call: Call): Promise<string> {
  return new Promise((resolve) => {
    const stop = call.on("transcript", (t: TranscriptMessage) => {
      if (t.role === "assistant" && t.transcriptType === "final") {
        stop();
        resolve(t.transcript);
      }
    });
  });
}

async function refusalOf(promise: Promise<unknown>): Promise<PortcullisError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortcullisError);
  return error as PortcullisError;
}

describe("a call started with a public key restricted to an origin and an assistant", () => {
  it("says its first message, answers a message, and ends when asked", async () => {
    const key = await publicKey({ allowedOrigins: [APP_ORIGIN], allowedAssistantIds: [assistantId] });
    const client = new Portcullis({ publicKey: key, baseUrl: server.url }, browserOn(APP_ORIGIN));
    const call = await client.start(assistantId, { variableValues: { name: "Ada" }, metadata: { page: "/" } });
    expect(call.id).toMatch(/^call_/);

    const statuses: string[] = [];
    call.on("status", (s) => statuses.push(s));
    const frames: string[] = [];
    call.on("message", (m) => frames.push(m.type));
    // Subscribed after start() resolved: the first message was held for this listener.
    expect(await nextAssistantLine(call)).toBe("Hello Ada, ask me about prices.");
    expect(call.status).toBe("in-progress");

    const reply = nextAssistantLine(call);
    call.send("What is the price?");
    expect(await reply).toBe("Plans start at 5 euros.");
    expect(call.messages.map((m) => m.content)).toEqual([
      "Hello Ada, ask me about prices.",
      "What is the price?",
      "Plans start at 5 euros.",
    ]);

    const ended: string[] = [];
    call.on("end", ({ reason }) => ended.push(reason));
    await call.end();
    expect(call.status).toBe("ended");
    expect(call.endedReason).toBe("customer-ended-call");
    expect(ended).toEqual(["customer-ended-call"]);
    expect(statuses).toEqual(["in-progress", "ended"]);
    expect(frames).toContain("model-output");
    expect(() => call.send("still there?")).toThrow(expect.objectContaining({ code: "CALL_NOT_LIVE" }));
    await call.end(); // ending twice does nothing

    const record = await server.admin("GET", `/call/${call.id}`);
    expect(record).toMatchObject({ status: "ended", endedReason: "customer-ended-call", metadata: { page: "/" } });
    expect(record.transcript).toBe(
      "AI: Hello Ada, ask me about prices.\nUser: What is the price?\nAI: Plans start at 5 euros.",
    );
  });

  it("is refused from another origin with ORIGIN_NOT_ALLOWED, status and requestId", async () => {
    const key = await publicKey({ allowedOrigins: [APP_ORIGIN], allowedAssistantIds: [assistantId] });
    const client = new Portcullis({ publicKey: key, baseUrl: server.url }, browserOn("https://evil.example.net"));
    const error = await refusalOf(client.start(assistantId));
    expect(error).toMatchObject({ code: "ORIGIN_NOT_ALLOWED", status: 403 });
    expect(error.requestId).toMatch(/^req_/);
    expect(error.docs).toMatch(/#origin_not_allowed$/);
  });

  it.each([
    ["another assistant", () => "asst_someone_elses", "ASSISTANT_NOT_ALLOWED"],
    ["an inline assistant", () => ({ firstMessage: "Hi" }), "TRANSIENT_ASSISTANT_NOT_ALLOWED"],
  ])("is refused for %s with the catalog code", async (_, assistant, code) => {
    const key = await publicKey({ allowedOrigins: [APP_ORIGIN], allowedAssistantIds: [assistantId] });
    const client = new Portcullis({ publicKey: key, baseUrl: server.url }, browserOn(APP_ORIGIN));
    expect((await refusalOf(client.start(assistant()))).code).toBe(code);
  });

  it("is refused for an override the key does not allow, naming the field", async () => {
    const key = await publicKey({ allowedOrigins: [APP_ORIGIN] });
    const client = new Portcullis({ publicKey: key, baseUrl: server.url }, browserOn(APP_ORIGIN));
    const error = await refusalOf(client.start(assistantId, { assistantOverrides: { firstMessage: "Pwned" } }));
    expect(error).toMatchObject({ code: "OVERRIDE_NOT_ALLOWED", field: "assistantOverrides.firstMessage" });
  });
});

describe("frames", () => {
  it("a refused frame is an error event and the call goes on; a muted assistant does not answer", async () => {
    const key = await publicKey({ allowedOrigins: [APP_ORIGIN] });
    const client = new Portcullis({ publicKey: key, baseUrl: server.url }, browserOn(APP_ORIGIN));
    const call = await client.start(assistantId);
    await nextAssistantLine(call);
    const error = new Promise<PortcullisError>((resolve) => call.on("error", resolve));
    call.send("   ");
    expect((await error).code).toBe("INVALID_FRAME");

    call.mute();
    call.send("price?");
    call.unmute();
    const reply = nextAssistantLine(call);
    call.send("price now?");
    expect(await reply).toBe("Plans start at 5 euros.");
    const said = nextAssistantLine(call);
    call.say("Goodbye!", { endCallAfterSpoken: true });
    expect(await said).toBe("Goodbye!");
    await new Promise((resolve) => call.on("end", resolve));
    expect(call.endedReason).toBe("assistant-ended-call");
    const record = await server.admin("GET", `/call/${call.id}`);
    expect(record.transcript).toBe(
      "AI: Hello {{name}}, ask me about prices.\nUser: price?\nUser: price now?\nAI: Plans start at 5 euros.\nAI: Goodbye!",
    );
  });
});

describe("tokens", () => {
  const mint = (options: { ttlSeconds?: number; now?: number; singleUse?: boolean } = {}) =>
    createClientToken({
      privateKey: server.privateKey,
      keyId: server.keyId,
      orgId: server.orgId,
      restrictions: { allowedOrigins: [APP_ORIGIN], allowedAssistantIds: [assistantId] },
      userId: "user_ada",
      ttlSeconds: options.ttlSeconds ?? 60,
      singleUse: options.singleUse ?? true,
      ...(options.now !== undefined && { now: options.now }),
    });

  it("getToken is asked for each call: single-use tokens start one call each", async () => {
    let minted = 0;
    const getToken = async () => {
      minted++;
      return mint();
    };
    const client = new Portcullis({ getToken, baseUrl: server.url }, browserOn(APP_ORIGIN));
    for (const _ of [1, 2]) {
      const call = await client.start(assistantId);
      expect(await nextAssistantLine(call)).toMatch(/^Hello/);
      await call.end();
      expect((await server.admin("GET", `/call/${call.id}`)).userId).toBe("user_ada");
    }
    expect(minted).toBe(2);
  });

  it("an expired token from getToken is replaced once, and the call starts", async () => {
    const tokens = [mint({ ttlSeconds: 60, now: Math.floor(Date.now() / 1000) - 120 }), mint()];
    const client = new Portcullis(
      { getToken: () => tokens.shift() as string, baseUrl: server.url },
      browserOn(APP_ORIGIN),
    );
    const call = await client.start(assistantId);
    expect(tokens).toEqual([]);
    await call.end();
  });

  it("a replayed single-use token is refused with TOKEN_REPLAYED", async () => {
    const token = mint();
    const client = new Portcullis({ token, baseUrl: server.url }, browserOn(APP_ORIGIN));
    await (await client.start(assistantId)).end();
    expect((await refusalOf(client.start(assistantId))).code).toBe("TOKEN_REPLAYED");
  });

  it("a token for other origins is refused with ORIGIN_NOT_ALLOWED", async () => {
    const client = new Portcullis(
      { getToken: () => mint(), baseUrl: server.url },
      browserOn("https://evil.example.net"),
    );
    expect((await refusalOf(client.start(assistantId))).code).toBe("ORIGIN_NOT_ALLOWED");
  });
});

describe("a key that requires a proof-of-work challenge", () => {
  it("starts calls: the SDK fetches and solves the challenge itself", async () => {
    const key = await publicKey({ allowedOrigins: [APP_ORIGIN], requireChallenge: true });
    const seen: string[] = [];
    const browser = browserOn(APP_ORIGIN);
    const fetch: typeof globalThis.fetch = (input, init) => {
      seen.push(`${init?.method ?? "GET"} ${new URL(String(input)).pathname}`);
      return browser.fetch(input, init);
    };
    const client = new Portcullis({ publicKey: key, baseUrl: server.url }, { ...browser, fetch });
    await (await client.start(assistantId)).end();
    await (await client.start(assistantId)).end();
    expect(seen).toEqual(["POST /call/web", "GET /challenge", "POST /call/web", "GET /challenge", "POST /call/web"]);
  });
});

describe("joining", () => {
  it("a WebSocket refused at the upgrade (here: from an origin the key does not allow) is CONNECTION_FAILED", async () => {
    const key = await publicKey({ allowedOrigins: [APP_ORIGIN] });
    const { WebSocket } = browserOn("https://evil.example.net");
    const client = new Portcullis({ publicKey: key, baseUrl: server.url }, { ...browserOn(APP_ORIGIN), WebSocket });
    expect((await refusalOf(client.start(assistantId))).code).toBe("CONNECTION_FAILED");
  });
});
