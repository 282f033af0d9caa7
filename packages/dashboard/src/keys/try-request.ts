import { api } from "../api.ts";
import { field, h, replace } from "../dom.ts";
import type { Assistant, CheckResult, Key } from "../types.ts";
import { act, notice } from "../ui/notice.ts";

function parseJson(text: string, what: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${what} is not a JSON object: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * The answer in one line. On a report-only key an allow that the rules would refuse says so, so a
 * trial is never read as a pass: "Allowed (report-only) — would be refused: CODE by the origin rule".
 */
function decisionLine(answer: CheckResult): HTMLElement {
  const { wouldDeny } = answer;
  if (answer.decision === "allow" && wouldDeny)
    return h(
      "div",
      { class: "decision allow would-deny", "data-decision": "allow", "data-would-deny": wouldDeny.code },
      h("strong", null, "⚠ Allowed (report-only)"),
      h("span", null, ` — would be refused: ${wouldDeny.code} by the ${wouldDeny.rule} rule`),
      wouldDeny.field && h("span", null, ` (field ${wouldDeny.field})`),
      h(
        "p",
        { class: "hint" },
        "A real request goes through and is recorded as call.would-deny; once the key is enforced, it is refused.",
      ),
    );
  if (answer.decision === "allow")
    return h(
      "div",
      { class: "decision allow", "data-decision": "allow" },
      h("strong", null, answer.mode === "report-only" ? "✓ Allowed (report-only; no rule would refuse)" : "✓ Allowed"),
    );
  return h(
    "div",
    { class: "decision deny", "data-decision": "deny" },
    h("strong", null, `✗ Refused: ${answer.code ?? ""}`),
    answer.rule && h("span", null, ` — decided by the ${answer.rule} rule`),
    answer.field && h("span", null, ` (field ${answer.field})`),
  );
}

/** Asks the server what it would decide for a web call with this key; nothing is written. */
export function tryRequest(key: Key, assistants: Assistant[]): HTMLElement {
  const msg = notice();
  const result = h("div", { class: "result", "aria-live": "polite" });
  const origin = h("input", {
    name: "tryOrigin",
    placeholder: "https://app.example.com",
    value: key.restrictions.allowedOrigins?.[0] ?? "",
  });
  const assistant = h(
    "select",
    { name: "tryAssistant" },
    h("option", { value: "" }, "— none (send an inline assistant below) —"),
    assistants.map((a) => h("option", { value: a.id }, `${a.name ?? "(unnamed)"} · ${a.id}`)),
  );
  const transient = h("textarea", { name: "tryTransient", rows: 4, placeholder: '{"model": {"provider": "openai"}}' });
  const overrides = h("textarea", {
    name: "tryOverrides",
    rows: 3,
    placeholder: '{"variableValues": {"name": "Ada"}}',
  });
  const run = h("button", { type: "submit", class: "primary" }, "Try it");
  const form = h(
    "form",
    { class: "card", "aria-label": "Try a request" },
    h("h2", null, "Try a request"),
    h(
      "p",
      { class: "hint" },
      "Runs the same decision as a real POST /call/web with this key. Nothing is started or recorded.",
    ),
    field("Origin header", origin, "Leave empty to simulate a request with no Origin (e.g. curl)."),
    field("Saved assistant", assistant),
    field("Inline (transient) assistant, JSON", transient),
    field("assistantOverrides, JSON", overrides),
    run,
    msg.el,
    result,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(run, msg, async () => {
      const inline = parseJson(transient.value, "The inline assistant");
      const changes = parseJson(overrides.value, "assistantOverrides");
      const body = {
        ...(origin.value.trim() && { origin: origin.value.trim() }),
        ...(assistant.value && { assistantId: assistant.value }),
        ...(inline && { assistant: inline }),
        ...(changes && { assistantOverrides: changes }),
      };
      const answer = await api.post<CheckResult>(`/token/${key.id}/check`, body);
      replace(
        result,
        decisionLine(answer),
        h(
          "ol",
          { class: "trace" },
          answer.trace.map((step) =>
            h(
              "li",
              { class: step.outcome },
              h("code", null, step.rule),
              ` ${step.outcome}`,
              step.detail ? ` — ${step.detail}` : "",
            ),
          ),
        ),
      );
    });
  });
  return form;
}
