import { randomBytes } from "node:crypto";
import type { ErrorCode } from "@portcullis/core";
import type { LightMyRequestResponse } from "fastify";
import type { Scheduler } from "../../src/calls/call-session.ts";
import { createApp, createCipher, KyselyStore, openSqlite, type Store } from "../../src/index.ts";
import { expectError, type Json, type TestApp, type TestClock } from "../helpers.ts";
import { freePort } from "../server-process.ts";

export const APP_ORIGIN = "https://app.example.com";

/** A scheduler that runs every server timer `factor` times sooner (1/20: a 60 s join window takes 3 s). */
export function scaledScheduler(factor: number): Scheduler {
  return (ms, fn) => {
    const timer = setTimeout(fn, ms * factor);
    return () => clearTimeout(timer);
  };
}

/** The real time plus an offset the test moves: durations are real, expiry can be jumped over. */
function offsetClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

/** A server answer read off the wire. `expectError` of the shared helpers reads only these fields. */
export type HttpAnswer = { statusCode: number; headers: Record<string, string>; body: string; json(): Json };

export function answerOf(statusCode: number, headers: Record<string, string>, body: string): HttpAnswer {
  return { statusCode, headers, body, json: () => JSON.parse(body) as Json };
}

/** The shared error-body assertions (status, code, docs, requestId) on an answer read off the wire. */
export function expectCode(answer: HttpAnswer, code: ErrorCode, field?: string): Json {
  return expectError(answer as unknown as LightMyRequestResponse, code, field);
}

type RequestOptions = { key?: string | undefined; origin?: string; payload?: unknown };

/** Anything tests send HTTP requests to: an in-process server or a child process. */
export type Requester = {
  /** One HTTP request over the socket, as a browser or a backend sends it. */
  request(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer>;
};

export type LiveServer = TestApp &
  Requester & {
    /** `http://127.0.0.1:<port>`, also the app's publicUrl, so webCallUrl points here. */
    url: string;
  };

/** A {@link Requester} for the server at `baseUrl`. */
export function requester(baseUrl: string): Requester {
  return {
    async request(method, path, { key, origin, payload } = {}) {
      const headers: Record<string, string> = {};
      if (key !== undefined) headers.authorization = `Bearer ${key}`;
      if (origin !== undefined) headers.origin = origin;
      if (payload !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(payload !== undefined && { body: JSON.stringify(payload) }),
      });
      const answered: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        answered[name] = value;
      });
      return answerOf(res.status, answered, await res.text());
    },
  };
}

/**
 * A fresh app on its own in-memory database, listening on 127.0.0.1 with `publicUrl` set to its
 * own address. Timers run through `schedule` (default: 20 times faster), provider turns time out
 * after `providerTimeoutMs`. `wrapStore` puts a slower or faulty store in front of the real one.
 */
export async function startLiveServer(
  options: { schedule?: Scheduler; providerTimeoutMs?: number; wrapStore?: (store: Store) => Store } = {},
): Promise<LiveServer> {
  // publicUrl is read when the routes register, before listen; so pick the port first and retry
  // in the rare case another process takes it in between.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const db = await openSqlite(":memory:");
    const store = new KyselyStore(db);
    const cipher = createCipher(randomBytes(32));
    const clock = offsetClock();
    const app = await createApp({
      store: options.wrapStore ? options.wrapStore(store) : store,
      cipher,
      clock,
      config: { publicUrl: url, keyCacheSize: 1000, keyCacheTtlSeconds: 30 },
      calls: {
        schedule: options.schedule ?? scaledScheduler(1 / 20),
        providerTimeoutMs: options.providerTimeoutMs ?? 2_000,
      },
    });
    try {
      await app.listen({ port, host: "127.0.0.1" });
    } catch (error) {
      await app.close();
      await store.close();
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE" && attempt < 3) continue;
      throw error;
    }
    return {
      app,
      db,
      store,
      cipher,
      clock,
      url,
      ...requester(url),
      async close() {
        await app.close();
        await store.close();
      },
    };
  }
}

/** Waits until `read` returns something `done` accepts; fails with the last value after `timeoutMs`. */
export async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `POST /call/web` over the wire from a page on `origin`; expects 201 and returns the call and its join URL. */
export async function startCall(
  server: Requester,
  key: string,
  payload: Json,
  origin: string = APP_ORIGIN,
): Promise<{ id: string; webCallUrl: string; call: Json }> {
  const answer = await server.request("POST", "/call/web", { key, origin, payload });
  if (answer.statusCode !== 201) throw new Error(`POST /call/web answered ${answer.statusCode}: ${answer.body}`);
  const call = answer.json();
  return { id: String(call.id), webCallUrl: String(call.webCallUrl), call };
}

/** `GET /call/{id}` with a private key. */
export async function readCall(server: Requester, privateKey: string, id: string): Promise<Json> {
  const answer = await server.request("GET", `/call/${id}`, { key: privateKey });
  if (answer.statusCode !== 200) throw new Error(`GET /call/${id} answered ${answer.statusCode}: ${answer.body}`);
  return answer.json();
}

/** Polls `GET /call/{id}` until the call has ended, and returns it. */
export function endedCall(server: Requester, privateKey: string, id: string, timeoutMs = 5_000): Promise<Json> {
  return poll(
    () => readCall(server, privateKey, id),
    (call) => call.status === "ended",
    timeoutMs,
  );
}
