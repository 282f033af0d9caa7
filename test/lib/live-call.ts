import { WebSocket } from "ws";

export type CallClient = {
  /** The next thing the assistant says in full (a final assistant transcript). */
  next(): Promise<string>;
  /** The user says something. */
  send(content: string): void;
  /** Sends a frame as written (JSON text). */
  sendFrame(frame: string): void;
  /** Ends the call and waits until the server has closed the socket. */
  end(): Promise<void>;
  /** Settles when the socket closes. */
  closed: Promise<void>;
};

/** Joins a call's `webCallUrl` as a page on `origin` does, speaking the frames of docs/live-calls.md. */
export async function joinCall(webCallUrl: string, origin: string): Promise<CallClient> {
  const socket = new WebSocket(webCallUrl, { origin });
  const said: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  socket.on("message", (data) => {
    const frame = JSON.parse(String(data)) as Record<string, string>;
    if (frame.type !== "transcript" || frame.role !== "assistant" || frame.transcriptType !== "final") return;
    const waiter = waiting.shift();
    if (waiter) waiter(frame.transcript as string);
    else said.push(frame.transcript as string);
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    next: () => {
      const line = said.shift();
      return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve));
    },
    send: (content) => socket.send(JSON.stringify({ type: "add-message", message: { role: "user", content } })),
    sendFrame: (frame) => socket.send(frame),
    closed,
    async end() {
      socket.send(JSON.stringify({ type: "end-call" }));
      await closed;
    },
  };
}

/** The HTTP status a WebSocket upgrade to `webCallUrl` from `origin` is refused with (throws if it is accepted). */
export function refusedJoin(webCallUrl: string, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(webCallUrl, { origin });
    socket.on("unexpected-response", (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on("open", () => {
      socket.close();
      reject(new Error(`joined ${webCallUrl} from ${origin}`));
    });
    socket.on("error", () => undefined);
  });
}
