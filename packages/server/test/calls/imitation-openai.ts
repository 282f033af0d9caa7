import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Json } from "../helpers.ts";

/** One request the imitation received: its path, headers and JSON body, and whether the caller hung up. */
export type SeenRequest = {
  path: string;
  headers: IncomingMessage["headers"];
  body: Json;
  /** Resolves when the caller's connection is gone (answered, or aborted by the caller). */
  gone: Promise<void>;
  aborted: () => boolean;
};

/** What the imitation does with a request; the default streams "Hello there." in three pieces. */
export type Behaviour = (res: ServerResponse, seen: SeenRequest) => void | Promise<void>;

export type Imitation = {
  /** The base URL to put in `model.url` (`http://127.0.0.1:<port>/v1`). */
  baseUrl: string;
  requests: SeenRequest[];
  /** What the next requests get, in order; the last one repeats. */
  behave(...behaviours: Behaviour[]): void;
  close(): Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

/** Streams `pieces` as chat-completion chunks, `gapMs` apart, then `data: [DONE]`. */
export function streams(pieces: string[], gapMs = 10): Behaviour {
  return async (res, seen) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    // The role-only first chunk real providers send: no content, nothing to say.
    res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: "assistant" } }] })}\n\n`);
    for (const piece of pieces) {
      if (seen.aborted()) return;
      res.write(chunk(piece));
      await sleep(gapMs);
    }
    res.end("data: [DONE]\n\n");
  };
}

/** Answers with an HTTP error status. */
export function fails(status: number): Behaviour {
  return (res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "upstream exploded", type: "server_error" } }));
  };
}

/** Takes the request and never answers. */
export const hangs: Behaviour = () => undefined;

/** Starts streaming, sends `pieces`, then goes silent without ending the stream. */
export function stalls(pieces: string[]): Behaviour {
  return (res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const piece of pieces) res.write(chunk(piece));
  };
}

/** A stream whose data lines are not JSON. */
export const garbage: Behaviour = (res) => {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.end("data: this is not json\n\ndata: [DONE]\n\n");
};

/** A server that ignores `stream: true` and answers one JSON completion. */
export function answersWhole(content: string): Behaviour {
  return (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content } }] }));
  };
}

/** A real HTTP server on 127.0.0.1 imitating `POST /v1/chat/completions` of an OpenAI-compatible API. */
export async function startImitation(): Promise<Imitation> {
  const requests: SeenRequest[] = [];
  let queue: Behaviour[] = [streams(["Hello ", "there", "."])];
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (part: string) => {
      raw += part;
    });
    req.on("end", () => {
      let aborted = false;
      const gone = new Promise<void>((resolve) =>
        res.on("close", () => {
          aborted = !res.writableFinished;
          resolve();
        }),
      );
      const seen: SeenRequest = {
        path: req.url ?? "",
        headers: req.headers,
        body: JSON.parse(raw) as Json,
        gone,
        aborted: () => aborted,
      };
      requests.push(seen);
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        res.writeHead(404).end();
        return;
      }
      const behaviour = (queue.length > 1 ? queue.shift() : queue[0]) as Behaviour;
      void behaviour(res, seen);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return {
    baseUrl: `http://127.0.0.1:${address.port}/v1`,
    requests,
    behave(...behaviours) {
      queue = behaviours;
    },
    close() {
      // Hanging answers would keep close() waiting forever.
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
