import safeRegex from "safe-regex2";
import { type AssistantEngine, type EngineKind, fillTemplate } from "./engine.ts";

type Rule = { test: (text: string) => boolean; reply: string };

const MAX_RULES = 200;
const MAX_INPUT = 4000;

function readRules(model: Record<string, unknown>): { rules: Rule[] } | { field: string; message: string } {
  const raw = model.rules ?? [];
  if (!Array.isArray(raw) || raw.length > MAX_RULES)
    return { field: "model.rules", message: `must be a list of at most ${MAX_RULES} rules` };
  const rules: Rule[] = [];
  for (const [i, rule] of raw.entries()) {
    const field = `model.rules[${i}]`;
    if (typeof rule !== "object" || rule === null) return { field, message: "must be { match, reply }" };
    const { match, reply } = rule as { match?: unknown; reply?: unknown };
    if (typeof reply !== "string" || reply.length === 0 || reply.length > 10_000)
      return { field: `${field}.reply`, message: "must be a non-empty string (at most 10000 characters)" };
    if (Array.isArray(match)) {
      if (match.length === 0 || !match.every((k) => typeof k === "string" && k.trim().length > 0 && k.length <= 100))
        return { field: `${field}.match`, message: "keywords must be non-empty strings" };
      const words = match.map((k: string) => k.trim().toLowerCase());
      rules.push({
        test: (text) =>
          words.some((w) => ` ${text.toLowerCase().replace(/[^\p{L}\p{N}' ]+/gu, " ")} `.includes(` ${w} `)),
        reply,
      });
    } else if (typeof match === "string") {
      if (match.length === 0 || match.length > 200)
        return { field: `${field}.match`, message: "a regex of 1–200 characters" };
      let regex: RegExp;
      try {
        regex = new RegExp(match, "iu");
      } catch {
        return { field: `${field}.match`, message: "is not a valid regular expression" };
      }
      // A catastrophic pattern would block the event loop for every call on the server.
      if (!safeRegex(regex))
        return { field: `${field}.match`, message: "may take exponential time (nested quantifiers); simplify it" };
      rules.push({ test: (text) => regex.test(text), reply });
    } else {
      return { field: `${field}.match`, message: "must be a regex string or a list of keywords" };
    }
  }
  return { rules };
}

/**
 * The embedded engine that runs offline: ordered rules (`{ match: regex | keywords, reply }`), the
 * first that matches the user's message answers, else `fallback`. Replies are templated and
 * streamed word by word like a model's.
 */
export const scriptEngine: EngineKind = {
  validate(model) {
    const read = readRules(model);
    if ("field" in read) return read;
    if (model.fallback !== undefined && (typeof model.fallback !== "string" || model.fallback.length > 10_000))
      return { field: "model.fallback", message: "must be a string of at most 10000 characters" };
    return undefined;
  },
  create({ model, variables }): AssistantEngine {
    const read = readRules(model);
    const rules = "rules" in read ? read.rules : [];
    const fallback = typeof model.fallback === "string" ? model.fallback : "Sorry, I didn't catch that.";
    return {
      async *reply(history) {
        const last =
          [...history]
            .reverse()
            .find((m) => m.role === "user")
            ?.content.slice(0, MAX_INPUT) ?? "";
        const reply = fillTemplate(rules.find((r) => r.test(last))?.reply ?? fallback, variables);
        for (const piece of reply.match(/\S+\s*/g) ?? [reply]) yield piece;
      },
    };
  },
};
