import { PortcullisError } from "./errors.ts";
import type { CallStatus, ConversationMessage, ServerMessage, SocketLike, TranscriptMessage } from "./messages.ts";

/** The events a {@link Call} emits and what each listener receives. */
export type CallEvents = {
  /** Every frame from the server, as it arrives. */
  message: ServerMessage;
  /** The call's status changed. */
  status: CallStatus;
  /** Something was said (partial and final transcripts of both sides). */
  transcript: TranscriptMessage;
  /** A refused frame (the call goes on) or the reason the call is ending. */
  error: PortcullisError;
  /** The call is over; `reason` is the server's `endedReason` or `connection-lost`. */
  end: { reason: string };
};

type Listener<E extends keyof CallEvents> = (value: CallEvents[E]) => void;

const OPEN = 1;
const END_TIMEOUT_MS = 5_000;
// Events that arrive before anyone listens are held (up to this many per event) and delivered to
// the first listener, so awaiting something between start() and on() loses nothing.
const MAX_PENDING = 100;

/**
 * A live call: text in, assistant replies out, over the call's WebSocket. Returned by
 * `Portcullis.start()`; not constructed directly.
 */
export class Call {
  /** The call's ID (`call_…`), as in `GET /call/{id}` and the audit log. */
  readonly id: string;
  #status: CallStatus = "queued";
  #endedReason: string | undefined;
  #messages: ConversationMessage[] = [];
  readonly #socket: SocketLike;
  readonly #listeners = new Map<keyof CallEvents, Set<(value: never) => void>>();
  readonly #pending = new Map<keyof CallEvents, unknown[]>();
  readonly #ended: Promise<void>;
  #resolveEnded!: () => void;

  /**
   * Wraps a call's WebSocket; apps get calls from `Portcullis.start()` rather than constructing them.
   *
   * @example
   * const call = await client.start("asst_…"); // not: new Call(id, socket)
   */
  constructor(id: string, socket: SocketLike) {
    this.id = id;
    this.#socket = socket;
    this.#ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
    socket.addEventListener("message", (event) => this.#onFrame(event.data));
    socket.addEventListener("close", () => {
      if (this.#status === "ended") return;
      this.#emit("error", new PortcullisError("CONNECTION_LOST", "The call's connection closed unexpectedly."));
      this.#finish("connection-lost");
    });
  }

  /**
   * `queued`, `in-progress` or `ended`.
   *
   * @example
   * if (call.status !== "ended") await call.end();
   */
  get status(): CallStatus {
    return this.#status;
  }

  /**
   * Why the call ended (e.g. `customer-ended-call`, `max-duration`), once it has.
   *
   * @example
   * call.on("end", () => console.log(call.endedReason));
   */
  get endedReason(): string | undefined {
    return this.#endedReason;
  }

  /**
   * The conversation so far, as of the server's last `conversation-update`.
   *
   * @example
   * for (const m of call.messages) console.log(`${m.role}: ${m.content}`);
   */
  get messages(): readonly ConversationMessage[] {
    return this.#messages;
  }

  /**
   * Listens to an event; returns a function that stops listening. Events that arrived before the
   * first listener of their kind are delivered to it.
   *
   * @example
   * call.on("transcript", (t) => { if (t.role === "assistant" && t.transcriptType === "final") show(t.transcript); });
   * call.on("error", (e) => console.warn(e.code));
   * const stop = call.on("status", (s) => console.log(s)); stop();
   */
  on<E extends keyof CallEvents>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (value: never) => void);
    const pending = this.#pending.get(event);
    if (pending) {
      this.#pending.delete(event);
      queueMicrotask(() => {
        for (const value of pending) (listener as (value: unknown) => void)(value);
      });
    }
    return () => this.off(event, listener);
  }

  /**
   * Stops a listener added with {@link Call.on}.
   *
   * @example
   * const onMessage = (m) => console.log(m);
   * call.on("message", onMessage);
   * call.off("message", onMessage);
   */
  off<E extends keyof CallEvents>(event: E, listener: Listener<E>): void {
    this.#listeners.get(event)?.delete(listener as (value: never) => void);
  }

  /**
   * Sends what the user says; the assistant answers (unless muted).
   *
   * @example
   * call.send("What does the premium plan cost?");
   */
  send(text: string): void {
    this.#sendFrame({ type: "add-message", message: { role: "user", content: text } });
  }

  /**
   * Makes the assistant say `text` verbatim, optionally ending the call afterwards.
   *
   * @example
   * call.say("One moment, please.");
   * call.say("Goodbye!", { endCallAfterSpoken: true });
   */
  say(text: string, options: { endCallAfterSpoken?: boolean } = {}): void {
    this.#sendFrame({ type: "say", message: text, endCallAfterSpoken: options.endCallAfterSpoken === true });
  }

  /**
   * Mutes the assistant: user messages are still recorded, but it does not answer them.
   *
   * @example
   * call.mute(); call.send("(a note for the record)"); call.unmute();
   */
  mute(): void {
    this.#sendFrame({ type: "control", control: "mute-assistant" });
  }

  /**
   * Lets a muted assistant answer again.
   *
   * @example
   * call.unmute();
   */
  unmute(): void {
    this.#sendFrame({ type: "control", control: "unmute-assistant" });
  }

  /**
   * Ends the call and waits until the server has closed it (at most 5 s, then the socket is
   * closed from this side). Ending an ended call does nothing.
   *
   * @example
   * await call.end();
   * console.log(call.status); // "ended"
   */
  async end(): Promise<void> {
    if (this.#status === "ended") return;
    if (this.#socket.readyState === OPEN) this.#socket.send(JSON.stringify({ type: "end-call" }));
    const timer = setTimeout(() => {
      this.#socket.close(1000, "client ended the call");
      this.#finish("customer-ended-call");
    }, END_TIMEOUT_MS);
    await this.#ended;
    clearTimeout(timer);
  }

  #sendFrame(frame: Record<string, unknown>): void {
    if (this.#status === "ended" || this.#socket.readyState !== OPEN)
      throw new PortcullisError("CALL_NOT_LIVE", "The call has already ended.");
    this.#socket.send(JSON.stringify(frame));
  }

  #onFrame(data: unknown): void {
    if (typeof data !== "string") return;
    let frame: ServerMessage;
    try {
      frame = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (typeof frame !== "object" || frame === null) return;
    this.#emit("message", frame);
    switch (frame.type) {
      case "status-update":
        if (frame.status === "ended") this.#finish(frame.endedReason);
        else if (this.#status === "queued") {
          this.#status = "in-progress";
          this.#emit("status", "in-progress");
        }
        return;
      case "transcript":
        this.#emit("transcript", frame);
        return;
      case "conversation-update":
        this.#messages = frame.messages;
        return;
      case "error":
        this.#emit("error", new PortcullisError(frame.code, frame.message));
        return;
    }
  }

  #finish(reason: string): void {
    if (this.#status === "ended") return;
    this.#status = "ended";
    this.#endedReason = reason;
    this.#emit("status", "ended");
    this.#emit("end", { reason });
    this.#resolveEnded();
  }

  #emit<E extends keyof CallEvents>(event: E, value: CallEvents[E]): void {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) {
      const pending = this.#pending.get(event) ?? [];
      if (pending.length < MAX_PENDING) pending.push(value);
      this.#pending.set(event, pending);
      return;
    }
    for (const listener of [...set]) (listener as Listener<E>)(value);
  }
}
