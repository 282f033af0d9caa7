import { type AssistantEngine, type ChatMessage, EngineError, type EngineKind, fillTemplate } from "./engine.ts";

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** Reads server-sent events line by line and yields each `data:` payload. */
async function* sseData(body: ReadableStream<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      if (line.startsWith("data:")) yield line.slice(5).trim();
      newline = buffer.indexOf("\n");
    }
  }
  if (buffer.startsWith("data:")) yield buffer.slice(5).trim();
}

function contentOf(data: string, path: "delta" | "message"): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new EngineError("PROVIDER_ERROR", "the provider sent a chunk that is not JSON");
  }
  const choice = (parsed as { choices?: { delta?: { content?: unknown }; message?: { content?: unknown } }[] })
    .choices?.[0];
  if (!choice) throw new EngineError("PROVIDER_ERROR", "the provider sent a chunk without choices");
  const content = choice[path]?.content;
  return typeof content === "string" ? content : "";
}

/**
 * Any OpenAI-compatible chat-completions endpoint, streamed. `model.url` replaces the base URL, so
 * local servers work. The API key is the org's `openai` credential. A provider that errors, sends
 * garbage, or goes quiet for `timeoutMs` fails the turn with an {@link EngineError}: it never hangs a call.
 */
export const openaiEngine: EngineKind = {
  credential: "openai",
  validate(model) {
    if (model.url !== undefined) {
      if (typeof model.url !== "string") return { field: "model.url", message: "must be an http(s) URL" };
      try {
        const url = new URL(model.url);
        if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
      } catch {
        return { field: "model.url", message: "must be an http(s) URL" };
      }
    }
    if (typeof model.model !== "string" || model.model.length === 0)
      return { field: "model.model", message: "name the model, e.g. gpt-4o-mini" };
    return undefined;
  },
  create({ model, variables, apiKey, fetch, timeoutMs }): AssistantEngine {
    const base = (typeof model.url === "string" ? model.url : DEFAULT_BASE_URL).replace(/\/+$/, "");
    const system = ((model.messages as ChatMessage[] | undefined) ?? []).map((m) => ({
      role: m.role,
      content: fillTemplate(m.content, variables),
    }));
    return {
      async *reply(history, signal) {
        const idle = new AbortController();
        let timer = setTimeout(() => idle.abort(), timeoutMs);
        const touch = () => {
          clearTimeout(timer);
          timer = setTimeout(() => idle.abort(), timeoutMs);
        };
        try {
          const response = await fetch(`${base}/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json", ...(apiKey && { authorization: `Bearer ${apiKey}` }) },
            body: JSON.stringify({
              model: model.model,
              messages: [...system, ...history],
              stream: true,
              ...(typeof model.temperature === "number" && { temperature: model.temperature }),
              ...(typeof model.maxTokens === "number" && { max_tokens: model.maxTokens }),
            }),
            signal: AbortSignal.any([signal, idle.signal]),
          });
          if (!response.ok || !response.body)
            throw new EngineError("PROVIDER_ERROR", `the provider answered ${response.status}`);
          if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
            // Some compatible servers ignore `stream`; take the whole answer.
            yield contentOf(await response.text(), "message");
            return;
          }
          for await (const data of sseData(response.body)) {
            touch();
            if (data === "[DONE]") return;
            const piece = contentOf(data, "delta");
            if (piece) yield piece;
          }
        } catch (error) {
          if (error instanceof EngineError) throw error;
          if (idle.signal.aborted)
            throw new EngineError("PROVIDER_TIMEOUT", `no answer from the provider within ${timeoutMs} ms`);
          if (signal.aborted) return;
          throw new EngineError("PROVIDER_ERROR", "the provider could not be reached");
        } finally {
          clearTimeout(timer);
        }
      },
    };
  },
};
