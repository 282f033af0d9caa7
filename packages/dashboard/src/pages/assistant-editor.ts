import { ApiError, api } from "../api.ts";
import { type Ctx, readOnly } from "../context.ts";
import { field, h, replace } from "../dom.ts";
import type { Assistant } from "../types.ts";
import { act, notice } from "../ui/notice.ts";

const COMMON = ["name", "firstMessage", "model", "maxDurationSeconds"];
const READ_ONLY = ["id", "orgId", "createdAt", "updatedAt"];

/** A form for the common fields, JSON for the rest; the API's `field` is shown beside its input. */
export function assistantEditor(ctx: Ctx, assistant: Assistant | null, onSaved: (a: Assistant) => void): HTMLElement {
  const msg = notice();
  const errors = new Map<string, HTMLElement>();
  const row = (name: string, label: string, control: HTMLElement, hint?: string) => {
    const error = h("small", { class: "field-error", "aria-live": "polite", "data-field": name });
    errors.set(name, error);
    const wrapper = field(label, control, hint);
    wrapper.appendChild(error);
    return wrapper;
  };
  const a = assistant ?? ({} as Partial<Assistant>);
  const model = (a.model ?? {}) as NonNullable<Assistant["model"]>;
  const name = h("input", { name: "name", value: a.name ?? "", maxlength: 100 });
  const firstMessage = h("input", { name: "firstMessage", value: a.firstMessage ?? "" });
  const provider = h("input", { name: "model.provider", value: model.provider ?? "script", placeholder: "openai" });
  const modelName = h("input", { name: "model.model", value: model.model ?? "", placeholder: "gpt-4o-mini" });
  const prompt = h("textarea", {
    name: "model.messages",
    rows: 4,
    value: model.messages?.find((m) => m.role === "system")?.content ?? "",
  });
  const maxDuration = h("input", {
    name: "maxDurationSeconds",
    inputmode: "numeric",
    value: a.maxDurationSeconds === undefined ? "" : String(a.maxDurationSeconds),
    placeholder: "600",
  });
  const rest = Object.fromEntries(Object.entries(a).filter(([k]) => !COMMON.includes(k) && !READ_ONLY.includes(k)));
  const extra = h("textarea", { name: "extra", rows: 6, value: JSON.stringify(rest, null, 2) });
  const save = h("button", { type: "submit", class: "primary" }, assistant ? "Save assistant" : "Create assistant");
  const remove = assistant && !readOnly(ctx) ? h("button", { type: "button", class: "danger" }, "Delete") : null;

  const form = h(
    "form",
    { class: "card", "aria-label": "Assistant" },
    h("h2", null, assistant ? `Assistant ${assistant.id}` : "New assistant"),
    row("name", "Name", name),
    row("firstMessage", "First message", firstMessage, "What the assistant says when the call starts."),
    row("model.provider", "Model provider", provider, "openai, or script for a scripted test assistant."),
    row("model.model", "Model", modelName),
    row("model.messages", "System prompt", prompt),
    row("maxDurationSeconds", "Longest call (seconds)", maxDuration, "10–43200; default 600."),
    row("extra", "Other fields (JSON)", extra, "voice, endCallMessage, endCallPhrases, metadata, firstMessageMode…"),
    save,
    remove,
    msg.el,
  );

  const showFieldError = (e: unknown) => {
    if (!(e instanceof ApiError) || !e.field) return;
    const path = e.field.replace(/\[\d+\].*$/, "");
    const target =
      errors.get(path) ??
      errors.get(path.split(".").slice(0, 2).join(".")) ??
      (COMMON.includes(path.split(".")[0] ?? "") ? errors.get(path.split(".")[0] ?? "") : errors.get("extra"));
    if (target) replace(target, e.message);
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    for (const el of errors.values()) replace(el);
    void act(save, msg, async () => {
      let others: Record<string, unknown>;
      try {
        others = JSON.parse(extra.value || "{}") as Record<string, unknown>;
      } catch (e) {
        replace(errors.get("extra") as HTMLElement, "Not valid JSON.");
        throw new Error(`Other fields: not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
      }
      const duration = maxDuration.value.trim();
      if (duration && !/^\d+$/.test(duration)) {
        replace(errors.get("maxDurationSeconds") as HTMLElement, "A whole number of seconds.");
        throw new Error("Longest call must be a whole number of seconds.");
      }
      const body: Record<string, unknown> = {
        ...others,
        ...(name.value.trim() && { name: name.value.trim() }),
        ...(firstMessage.value && { firstMessage: firstMessage.value }),
        ...(duration && { maxDurationSeconds: Number(duration) }),
      };
      if (provider.value.trim()) {
        const { provider: _p, model: _m, messages, ...moreModel } = model;
        const kept = (messages ?? []).filter((m) => m.role !== "system");
        body.model = {
          ...moreModel,
          provider: provider.value.trim(),
          ...(modelName.value.trim() && { model: modelName.value.trim() }),
          ...((prompt.value.trim() || kept.length) && {
            messages: [...(prompt.value.trim() ? [{ role: "system", content: prompt.value }] : []), ...kept],
          }),
        };
      }
      try {
        const saved = assistant
          ? await api.patch<Assistant>(`/assistant/${assistant.id}`, body)
          : await api.post<Assistant>("/assistant", body);
        msg.ok(`Saved ${saved.name ?? saved.id}.`);
        onSaved(saved);
      } catch (e) {
        showFieldError(e);
        throw e;
      }
    });
  });
  remove?.addEventListener("click", () => {
    if (!assistant || !confirm(`Delete ${assistant.name ?? assistant.id}? Keys naming it will refuse it.`)) return;
    void act(remove, msg, async () => {
      await api.del(`/assistant/${assistant.id}`);
      onSaved(assistant);
    });
  });
  return form;
}
