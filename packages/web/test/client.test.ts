import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Portcullis, PortcullisError, type SocketConstructor, solveChallenge } from "../src/index.ts";

const baseUrl = "https://api.example.com";
type Sent = { url: string; method: string; headers: Record<string, string>; body: Record<string, unknown> | undefined };

const jwt = (payload: unknown) =>
  `${Buffer.from('{"alg":"HS256"}').toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.sig`;

const refusal = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(
    JSON.stringify({
      statusCode: status,
      error: "x",
      code,
      message: `refused: ${code}`,
      docs: `d#${code}`,
      requestId: "req_1",
    }),
    { status, headers: { "content-type": "application/json", ...headers } },
  );

/** Never opened: these tests stop at the HTTP exchange. */
const WebSocket = class {} as unknown as SocketConstructor;

/** A fetch that answers from a script and records what was sent. */
function scripted(...answers: ((sent: Sent) => Response)[]) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const request: Sent = {
      url: String(input),
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
    };
    sent.push(request);
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request ${request.method} ${request.url}`);
    return answer(request);
  };
  return { fetch, sent };
}

async function startError(client: Portcullis, assistant: string | Record<string, unknown> = "asst_1", options = {}) {
  const error = await client.start(assistant, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortcullisError);
  return error as PortcullisError;
}

describe("a private credential in the browser", () => {
  it.each([
    ["a private key as publicKey", { publicKey: "pcsk_abc" }],
    ["a private key as token", { token: "pcsk_abc" }],
    ["a private key with spaces around it", { publicKey: "  pcsk_abc" }],
    ["a token with tag private", { token: jwt({ orgId: "org_1", token: { tag: "private" } }) }],
  ])("refuses %s at construction with PRIVATE_KEY_IN_BROWSER", (_, credentials) => {
    let error: unknown;
    try {
      new Portcullis({ ...credentials, baseUrl } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PortcullisError);
    expect((error as PortcullisError).code).toBe("PRIVATE_KEY_IN_BROWSER");
    expect((error as PortcullisError).message).toMatch(/never be in a browser/);
  });

  it("refuses a private key returned by getToken before anything is sent", async () => {
    const { fetch, sent } = scripted();
    const client = new Portcullis({ getToken: () => "pcsk_abc", baseUrl }, { fetch, WebSocket });
    expect((await startError(client)).code).toBe("PRIVATE_KEY_IN_BROWSER");
    expect(sent).toEqual([]);
  });

  it("accepts a public-tag token", () => {
    expect(() => new Portcullis({ token: jwt({ token: { tag: "public" } }), baseUrl })).not.toThrow();
  });
});

describe("construction", () => {
  it.each([
    ["no credential", { baseUrl }],
    ["two credentials", { publicKey: "pcpk_a", token: "t", baseUrl }],
    ["no baseUrl", { publicKey: "pcpk_a" }],
    ["a relative baseUrl", { publicKey: "pcpk_a", baseUrl: "/api" }],
    ["an empty key", { publicKey: "", baseUrl }],
  ])("refuses %s", (_, credentials) => {
    expect(() => new Portcullis(credentials as never)).toThrow(TypeError);
  });
});

describe("the POST /call/web request", () => {
  it("is not sent without a WebSocket implementation to join the call with", async () => {
    const { fetch, sent } = scripted();
    const saved = (globalThis as { WebSocket?: unknown }).WebSocket;
    // Node 22 has a global WebSocket; this test is about an environment without one.
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      const bare = new Portcullis({ publicKey: "pcpk_a", baseUrl }, { fetch });
      await expect(bare.start("asst_1")).rejects.toThrow(/WebSocket/);
    } finally {
      if (saved !== undefined) (globalThis as { WebSocket?: unknown }).WebSocket = saved;
    }
    expect(sent).toEqual([]);
  });

  it.each([
    ["a saved assistant", "asst_1", {}, { assistantId: "asst_1" }],
    ["an inline config", { firstMessage: "Hi" }, {}, { assistant: { firstMessage: "Hi" } }],
    [
      "an inline config wrapped as { assistant }",
      { assistant: { firstMessage: "Hi" } },
      {},
      { assistant: { firstMessage: "Hi" } },
    ],
    [
      "variableValues merged into assistantOverrides",
      "asst_1",
      {
        variableValues: { name: "Ada" },
        assistantOverrides: { firstMessage: "Hi {{name}}", variableValues: { x: "1" } },
      },
      {
        assistantId: "asst_1",
        assistantOverrides: { firstMessage: "Hi {{name}}", variableValues: { x: "1", name: "Ada" } },
      },
    ],
    [
      "metadata",
      "asst_1",
      { metadata: { page: "/pricing" } },
      { assistantId: "asst_1", metadata: { page: "/pricing" } },
    ],
  ])("sends %s", async (_, assistant, options, expected) => {
    const { fetch, sent } = scripted(() => refusal(403, "ORIGIN_NOT_ALLOWED"));
    const client = new Portcullis({ publicKey: "pcpk_abc", baseUrl: `${baseUrl}/` }, { fetch, WebSocket });
    await startError(client, assistant, options);
    expect(sent[0]).toMatchObject({
      url: `${baseUrl}/call/web`,
      method: "POST",
      headers: { authorization: "Bearer pcpk_abc", "content-type": "application/json" },
    });
    expect(sent[0]?.body).toEqual(expected);
  });
});

describe("refusals", () => {
  it("carry the catalog code, status, requestId, docs and field", async () => {
    const { fetch } = scripted(() => refusal(403, "ORIGIN_NOT_ALLOWED"));
    const error = await startError(new Portcullis({ publicKey: "pcpk_a", baseUrl }, { fetch, WebSocket }));
    expect(error).toMatchObject({
      code: "ORIGIN_NOT_ALLOWED",
      status: 403,
      requestId: "req_1",
      docs: "d#ORIGIN_NOT_ALLOWED",
      message: "refused: ORIGIN_NOT_ALLOWED",
    });
  });

  it("carry Retry-After on a 429", async () => {
    const { fetch } = scripted(() => refusal(429, "RATE_LIMITED", { "retry-after": "7" }));
    const error = await startError(new Portcullis({ publicKey: "pcpk_a", baseUrl }, { fetch, WebSocket }));
    expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429, retryAfterSeconds: 7 });
  });

  it("turn an answer without an error body into UNEXPECTED_RESPONSE", async () => {
    const { fetch } = scripted(() => new Response("<html>Bad gateway</html>", { status: 502 }));
    const error = await startError(new Portcullis({ publicKey: "pcpk_a", baseUrl }, { fetch, WebSocket }));
    expect(error).toMatchObject({ code: "UNEXPECTED_RESPONSE", status: 502 });
  });

  it("turn a failed fetch into NETWORK_ERROR", async () => {
    const fetch: typeof globalThis.fetch = async () => {
      throw new TypeError("Failed to fetch");
    };
    const error = await startError(new Portcullis({ publicKey: "pcpk_a", baseUrl }, { fetch, WebSocket }));
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});

describe("getToken", () => {
  it("is asked once more when the server says the token expired, and the retry uses the new token", async () => {
    const { fetch, sent } = scripted(
      () => refusal(401, "TOKEN_EXPIRED"),
      () => refusal(403, "ASSISTANT_NOT_ALLOWED"),
    );
    const tokens = ["old.token.a", "new.token.b"];
    const client = new Portcullis({ getToken: async () => tokens.shift() as string, baseUrl }, { fetch, WebSocket });
    expect((await startError(client)).code).toBe("ASSISTANT_NOT_ALLOWED");
    expect(sent.map((s) => s.headers.authorization)).toEqual(["Bearer old.token.a", "Bearer new.token.b"]);
  });

  it("is asked only once more: a second TOKEN_EXPIRED is the caller's", async () => {
    const { fetch, sent } = scripted(
      () => refusal(401, "TOKEN_EXPIRED"),
      () => refusal(401, "TOKEN_EXPIRED"),
    );
    const client = new Portcullis({ getToken: () => "a.b.c", baseUrl }, { fetch, WebSocket });
    expect((await startError(client)).code).toBe("TOKEN_EXPIRED");
    expect(sent).toHaveLength(2);
  });

  it("is not involved for a fixed token: TOKEN_EXPIRED is the caller's", async () => {
    const { fetch, sent } = scripted(() => refusal(401, "TOKEN_EXPIRED"));
    const client = new Portcullis({ token: "a.b.c", baseUrl }, { fetch, WebSocket });
    expect((await startError(client)).code).toBe("TOKEN_EXPIRED");
    expect(sent).toHaveLength(1);
  });

  it.each([
    ["throws", () => Promise.reject(new Error("401 from /api/portcullis-token"))],
    ["returns an empty string", () => ""],
    ["returns a non-string", () => 42 as unknown as string],
  ])("failing (it %s) is TOKEN_UNAVAILABLE", async (_, getToken) => {
    const { fetch, sent } = scripted();
    const client = new Portcullis({ getToken, baseUrl }, { fetch, WebSocket });
    expect((await startError(client)).code).toBe("TOKEN_UNAVAILABLE");
    expect(sent).toEqual([]);
  });
});

/** An ALTCHA v1 puzzle whose answer is `number`. */
function puzzle(number: number, maxnumber = 1000) {
  const salt = "s4lt?expires=9999999999";
  const challenge = createHash("sha256").update(`${salt}${number}`).digest("hex");
  return { algorithm: "SHA-256", challenge, maxnumber, salt, signature: "sig" };
}

describe("proof-of-work challenges", () => {
  it.each([0, 1, 499, 500, 777, 1000])("solves a puzzle whose answer is %i", async (number) => {
    const solution = await solveChallenge(puzzle(number));
    expect(JSON.parse(atob(solution as string))).toEqual({ ...puzzle(number), maxnumber: undefined, number });
  });

  it("gives up on a puzzle with no answer in range", async () => {
    expect(await solveChallenge(puzzle(1001))).toBeUndefined();
  });

  it("solves after CHALLENGE_REQUIRED and retries once; later calls solve before asking", async () => {
    const { fetch, sent } = scripted(
      () => refusal(403, "CHALLENGE_REQUIRED"),
      () => Response.json(puzzle(42)),
      () => refusal(403, "ORIGIN_NOT_ALLOWED"),
      () => Response.json(puzzle(7)),
      () => refusal(403, "ORIGIN_NOT_ALLOWED"),
    );
    const client = new Portcullis({ publicKey: "pcpk_a", baseUrl }, { fetch, WebSocket });
    expect((await startError(client)).code).toBe("ORIGIN_NOT_ALLOWED");
    expect(sent.map((s) => `${s.method} ${new URL(s.url).pathname}`)).toEqual([
      "POST /call/web",
      "GET /challenge",
      "POST /call/web",
    ]);
    expect(sent[0]?.body?.challenge).toBeUndefined();
    expect(JSON.parse(atob(String(sent[2]?.body?.challenge))).number).toBe(42);
    expect(sent[1]?.headers.authorization).toBeUndefined();

    await startError(client);
    expect(sent.slice(3).map((s) => `${s.method} ${new URL(s.url).pathname}`)).toEqual([
      "GET /challenge",
      "POST /call/web",
    ]);
    expect(JSON.parse(atob(String(sent[4]?.body?.challenge))).number).toBe(7);
  });

  it("does not loop: a second challenge refusal is the caller's", async () => {
    const { fetch, sent } = scripted(
      () => refusal(403, "CHALLENGE_REQUIRED"),
      () => Response.json(puzzle(3)),
      () => refusal(403, "CHALLENGE_INVALID"),
    );
    const client = new Portcullis({ publicKey: "pcpk_a", baseUrl }, { fetch, WebSocket });
    expect((await startError(client)).code).toBe("CHALLENGE_INVALID");
    expect(sent).toHaveLength(3);
  });
});
