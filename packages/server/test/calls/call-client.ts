import { WebSocket } from "ws";
import { answerOf, type HttpAnswer } from "./live-server.ts";

/** A server → client frame (JSON text). */
export type Frame = { type: string; [field: string]: unknown };

type Waiter = { match: (frame: Frame) => boolean; resolve: (frame: Frame) => void; reject: (error: Error) => void };

/**
 * A real WebSocket client on a call. Every frame is kept in `frames`; `next` reads forward from a
 * cursor, so a test asserts the order frames came in and what came between them.
 */
export class CallClient {
  readonly frames: Frame[] = [];
  /** Resolves when the socket closes, with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;
  private waiters: Waiter[] = [];
  private isClosed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data, isBinary) => {
      const frame = isBinary ? { type: "<binary>" } : (JSON.parse(String(data)) as Frame);
      this.frames.push(frame);
      this.settle();
    });
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => {
        this.isClosed = true;
        this.settle();
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  /** Joins `url` (a webCallUrl); `origin` is the Origin header a browser page would send. */
  static join(url: string, origin?: string): Promise<CallClient> {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    return new Promise((resolve, reject) => {
      // Listening from the first moment, so no frame sent right after the upgrade is missed.
      const client = new CallClient(socket);
      socket.once("open", () => resolve(client));
      socket.once("unexpected-response", (_req, res) => {
        reject(new Error(`join refused with HTTP ${res.statusCode}`));
        socket.terminate();
      });
      socket.once("error", reject);
    });
  }

  /** Waits for the next frame of `type` (and `where`) after the cursor, and moves the cursor past it. */
  next(type: string, where: (frame: Frame) => boolean = () => true, timeoutMs = 5_000): Promise<Frame> {
    const match = (frame: Frame) => frame.type === type && where(frame);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
      this.settle();
    });
  }

  /** The cursor's position: pass it to `since` to read the frames that came after it. */
  mark(): number {
    return this.cursor;
  }

  /** Frames from `mark` up to the cursor. */
  since(mark: number): Frame[] {
    return this.frames.slice(mark, this.cursor);
  }

  /** Waits for the final assistant transcript of the next turn and returns it. */
  async assistantSays(timeoutMs?: number): Promise<string> {
    const frame = await this.next(
      "transcript",
      (f) => f.role === "assistant" && f.transcriptType === "final",
      timeoutMs,
    );
    return String(frame.transcript);
  }

  send(frame: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  say(content: string): void {
    this.send({ type: "add-message", message: { role: "user", content } });
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Drops the connection without a close frame, like a browser tab that crashed. */
  terminate(): void {
    this.socket.terminate();
  }

  private settle(): void {
    for (const waiter of [...this.waiters]) {
      const index = this.frames.findIndex((frame, i) => i >= this.cursor && waiter.match(frame));
      if (index >= 0) {
        this.cursor = index + 1;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(this.frames[index] as Frame);
      } else if (this.isClosed) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.reject(new Error(`socket closed before the frame came; got ${JSON.stringify(this.frames)}`));
      }
    }
  }
}

/** Tries to join and expects the upgrade to be refused; returns the HTTP answer it got instead. */
export function refusedJoin(url: string, origin?: string): Promise<HttpAnswer> {
  const socket = new WebSocket(url, origin === undefined ? {} : { origin });
  return new Promise((resolve, reject) => {
    socket.once("open", () => {
      socket.terminate();
      reject(new Error("the join was accepted"));
    });
    socket.once("unexpected-response", (req, res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => {
        const headers = Object.fromEntries(Object.entries(res.headers).map(([name, value]) => [name, String(value)]));
        resolve(answerOf(res.statusCode ?? 0, headers, text));
        req.destroy();
      });
    });
    socket.once("error", reject);
  });
}
