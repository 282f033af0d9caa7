import type { EngineKind } from "./engine.ts";
import { openaiEngine } from "./openai-engine.ts";
import { scriptEngine } from "./script-engine.ts";

/** Engines by `assistant.model.provider`. A new provider is one file and one line here. */
export const ENGINES: Record<string, EngineKind> = {
  script: scriptEngine,
  openai: openaiEngine,
};

/** Checks an assistant's model config when it is saved; a message naming the field, or undefined. */
export function validateModel(model: unknown): { field: string; message: string } | undefined {
  if (model === undefined) return undefined;
  const config = model as Record<string, unknown>;
  const engine = ENGINES[String(config.provider)];
  if (!engine) return { field: "model.provider", message: `must be one of: ${Object.keys(ENGINES).join(", ")}` };
  return engine.validate(config);
}
