import { ERROR_CATALOG, type ErrorCode } from "@portcullis/core";
import type { WebSocket } from "ws";
import type { Clock } from "../domain/clock.ts";
import type { CallMessage, CallRecord, EndedReason } from "../storage/records.ts";
import { type AssistantEngine, type ChatMessage, EngineError, fillTemplate } from "./engines/engine.ts";
import { MAX_FRAME_BYTES, readClientFrame } from "./frames.ts";

/** Schedules `fn` after `ms`; returns a cancel function. Tests pass a faster one. */
export type Scheduler = (ms: number, fn: () => void) => () => void;

export const realScheduler: Scheduler = (ms, fn) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

const FRAMES_PER_SECOND = 20;
const PING_EVERY_MS = 10_000;

type SessionDeps = {
  call: CallRecord;
  socket: WebSocket;
  engine: AssistantEngine;
  variables: Readonly<Record<string, string>>;
  clock: Clock;
  schedule: Scheduler;
  /** Persists the end and tells listeners; called once. */
  finish: (call: CallRecord, reason: EndedReason, messages: CallMessage[]) => Promise<void>;
};

/**
 * One live call: reads client frames, runs the assistant's turns one at a time, streams its
 * output, and ends the call exactly once — on request, on disconnect, on a provider failure, on
 * abuse of the socket, or when the maximum duration is reached.
 */
export class CallSession {
  private readonly messages: CallMessage[];
  private readonly history: ChatMessage[] = [];
  private readonly frameTimes: number[] = [];
  private readonly turnAbort = new AbortController();
  private readonly cancels: (() => void)[] = [];
  private turns: Promise<void> = Promise.resolve();
  private muted = false;
  private ended = false;
  private alive = true;

  constructor(private readonly deps: SessionDeps) {
    this.messages = [...deps.call.messages];
  }

  get callId(): string {
    return this.deps.call.id;
  }

  start(): void {
    const { socket, call, schedule } = this.deps;
    socket.on("message", (data, isBinary) => this.onFrame(data as Buffer, isBinary));
    socket.on("close", (code) => void this.end(code === 1009 ? "frame-too-large" : "customer-ended-call"));
    // A frame over the socket's own limit (1 MB) surfaces as an error before the 1009 close.
    socket.on(
      "error",
      (error: Error & { code?: string }) =>
        void this.end(error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" ? "frame-too-large" : "customer-ended-call"),
    );
    socket.on("pong", () => {
      this.alive = true;
    });
    // A call cut short by a spend cap ends as "limit-exceeded", not "max-duration".
    const atMax = call.durationLimitedBy === "spend-limit" ? "limit-exceeded" : "max-duration";
    this.cancels.push(schedule(call.maxDurationSeconds * 1000, () => void this.end(atMax)));
    this.schedulePing();
    this.send({ type: "status-update", status: "in-progress" });
    const mode = call.config?.firstMessageMode;
    if (mode !== "assistant-waits-for-user") this.enqueue(() => this.sayFirstMessage());
  }

  /** Ends the call (idempotent): tells the client, closes the socket, persists once. */
  async end(reason: EndedReason, error?: { code: ErrorCode; message?: string }): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.turnAbort.abort();
    for (const cancel of this.cancels) cancel();
    if (error)
      this.send({ type: "error", code: error.code, message: error.message ?? ERROR_CATALOG[error.code].message });
    this.send({ type: "status-update", status: "ended", endedReason: reason });
    if (this.deps.socket.readyState === this.deps.socket.OPEN) this.deps.socket.close(1000, reason);
    await this.deps.finish(this.deps.call, reason, this.messages);
  }

  private schedulePing(): void {
    this.cancels.push(
      this.deps.schedule(PING_EVERY_MS, () => {
        // A client that stopped answering pings is gone even if no close frame arrived.
        if (!this.alive) {
          void this.end("customer-ended-call");
          return;
        }
        this.alive = false;
        this.deps.socket.ping();
        this.schedulePing();
      }),
    );
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (this.ended) return;
    const now = this.deps.clock.now();
    this.frameTimes.push(now);
    if (this.frameTimes.length > FRAMES_PER_SECOND) {
      const first = this.frameTimes.shift() as number;
      if (now - first < 1000) {
        void this.end("frame-rate-exceeded", { code: "FRAME_RATE_EXCEEDED" });
        return;
      }
    }
    if (data.byteLength > MAX_FRAME_BYTES) {
      void this.end("frame-too-large", { code: "FRAME_TOO_LARGE" });
      return;
    }
    if (isBinary) {
      this.sendError("INVALID_FRAME", "Frames are JSON text, not binary.");
      return;
    }
    const read = readClientFrame(data.toString("utf8"));
    if (!read.ok) {
      this.sendError("INVALID_FRAME", read.message);
      return;
    }
    const { frame } = read;
    switch (frame.type) {
      case "end-call":
        void this.end("customer-ended-call");
        return;
      case "add-message":
        this.record("user", frame.message.content);
        this.send({ type: "transcript", role: "user", transcriptType: "final", transcript: frame.message.content });
        this.sendConversation();
        if (!this.muted) this.enqueue(() => this.respond());
        return;
      case "say":
        this.enqueue(async () => {
          await this.speak(frame.message);
          if (frame.endCallAfterSpoken) await this.end("assistant-ended-call");
        });
        return;
      case "control":
        if (frame.control === "mute-assistant") this.muted = true;
        else if (frame.control === "unmute-assistant") this.muted = false;
        else this.enqueue(() => this.sayFirstMessage());
        return;
    }
  }

  private enqueue(turn: () => Promise<void>): void {
    this.turns = this.turns.then(() => (this.ended ? undefined : turn()));
  }

  private async sayFirstMessage(): Promise<void> {
    const first = this.deps.call.config?.firstMessage;
    if (typeof first === "string" && first.length > 0) await this.speak(fillTemplate(first, this.deps.variables));
  }

  /** The assistant says fixed text: one transcript, no model output. */
  private async speak(text: string): Promise<void> {
    this.record("assistant", text);
    this.send({ type: "transcript", role: "assistant", transcriptType: "final", transcript: text });
    this.sendConversation();
    await this.checkEndPhrases(text);
  }

  private async respond(): Promise<void> {
    let text = "";
    try {
      for await (const piece of this.deps.engine.reply(this.history, this.turnAbort.signal)) {
        if (this.ended) return;
        text += piece;
        this.send({ type: "model-output", output: piece });
        this.send({ type: "transcript", role: "assistant", transcriptType: "partial", transcript: text });
      }
    } catch (error) {
      if (this.ended) return;
      const code = error instanceof EngineError ? error.code : "PROVIDER_ERROR";
      return void (await this.end("provider-error", {
        code,
        message: error instanceof Error ? error.message : undefined,
      }));
    }
    if (this.ended) return;
    this.record("assistant", text);
    this.send({ type: "transcript", role: "assistant", transcriptType: "final", transcript: text });
    this.sendConversation();
    await this.checkEndPhrases(text);
  }

  private async checkEndPhrases(text: string): Promise<void> {
    const phrases = this.deps.call.config?.endCallPhrases;
    if (!Array.isArray(phrases)) return;
    const lower = text.toLowerCase();
    if (!phrases.some((p) => typeof p === "string" && lower.includes(p.toLowerCase()))) return;
    const goodbye = this.deps.call.config?.endCallMessage;
    if (typeof goodbye === "string" && goodbye.length > 0) {
      const said = fillTemplate(goodbye, this.deps.variables);
      this.record("assistant", said);
      this.send({ type: "transcript", role: "assistant", transcriptType: "final", transcript: said });
    }
    await this.end("assistant-ended-call");
  }

  private record(role: "user" | "assistant", content: string): void {
    this.messages.push({ role, content, time: new Date(this.deps.clock.now()).toISOString() });
    this.history.push({ role, content });
  }

  private sendConversation(): void {
    this.send({ type: "conversation-update", messages: this.history });
  }

  private sendError(code: ErrorCode, message: string): void {
    this.send({ type: "error", code, message });
  }

  private send(frame: Record<string, unknown>): void {
    const { socket } = this.deps;
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  }
}
