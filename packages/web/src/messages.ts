/** A message of the conversation so far, as `conversation-update` carries it. */
export type ConversationMessage = { role: "user" | "assistant" | "system"; content: string };

/** What was said: partial while the assistant's reply streams, final when complete. */
export type TranscriptMessage = {
  type: "transcript";
  role: "user" | "assistant";
  transcriptType: "partial" | "final";
  transcript: string;
};

/** Every frame the server sends during a call (docs/live-calls.md). */
export type ServerMessage =
  | { type: "status-update"; status: "in-progress" }
  | { type: "status-update"; status: "ended"; endedReason: string }
  | TranscriptMessage
  | { type: "model-output"; output: string }
  | { type: "conversation-update"; messages: ConversationMessage[] }
  | { type: "error"; code: string; message: string };

/** Where a call is: `queued` until the server says it joined, then `in-progress`, then `ended`. */
export type CallStatus = "queued" | "in-progress" | "ended";

/** The WebSocket surface the SDK uses; the browser's `WebSocket` and the `ws` package both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "error", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
}

/** A WebSocket constructor: `WebSocket` in browsers, or e.g. the `ws` package elsewhere. */
export type SocketConstructor = new (url: string) => SocketLike;
