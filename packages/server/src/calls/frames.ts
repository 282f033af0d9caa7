/** Client → server frames (JSON text), named as in the existing web-call convention. */
export type ClientFrame =
  | { type: "add-message"; message: { role: "user"; content: string } }
  | { type: "say"; message: string; endCallAfterSpoken?: boolean }
  | { type: "control"; control: "say-first-message" | "mute-assistant" | "unmute-assistant" }
  | { type: "end-call" };

export const MAX_FRAME_BYTES = 64 * 1024;
const MAX_CONTENT = 10_000;
const CONTROLS = new Set(["say-first-message", "mute-assistant", "unmute-assistant"]);

/** Reads one text frame, or says what is wrong with it (the call goes on after an error frame). */
export function readClientFrame(text: string): { ok: true; frame: ClientFrame } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: "A frame must be a JSON object." };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, message: "A frame must be a JSON object." };
  const frame = value as Record<string, unknown>;
  switch (frame.type) {
    case "add-message": {
      const message = frame.message as Record<string, unknown> | undefined;
      if (typeof message !== "object" || message === null || message.role !== "user")
        return { ok: false, message: "add-message needs message: { role: 'user', content }." };
      if (typeof message.content !== "string" || message.content.trim() === "" || message.content.length > MAX_CONTENT)
        return {
          ok: false,
          message: `message.content must be a non-empty string of at most ${MAX_CONTENT} characters.`,
        };
      return { ok: true, frame: { type: "add-message", message: { role: "user", content: message.content } } };
    }
    case "say":
      if (typeof frame.message !== "string" || frame.message.trim() === "" || frame.message.length > MAX_CONTENT)
        return { ok: false, message: "say needs message: a non-empty string." };
      return {
        ok: true,
        frame: { type: "say", message: frame.message, endCallAfterSpoken: frame.endCallAfterSpoken === true },
      };
    case "control":
      if (typeof frame.control !== "string" || !CONTROLS.has(frame.control))
        return { ok: false, message: "control must be say-first-message, mute-assistant or unmute-assistant." };
      return { ok: true, frame: { type: "control", control: frame.control as "say-first-message" } };
    case "end-call":
      return { ok: true, frame: { type: "end-call" } };
    default:
      return { ok: false, message: "Unknown frame type; expected add-message, say, control or end-call." };
  }
}
