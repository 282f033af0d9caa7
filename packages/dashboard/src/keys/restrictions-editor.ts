import { OVERRIDE_FIELDS, OVERRIDE_RISKS } from "../../../core/src/assistant-fields.ts";
import { ApiError, api } from "../api.ts";
import { type Ctx, readOnly } from "../context.ts";
import { field, h, replace } from "../dom.ts";
import { ruleGaps } from "../pages/rule-gaps.ts";
import type { Assistant, Key, Restrictions } from "../types.ts";
import { act, notice } from "../ui/notice.ts";
import { assistantPicker } from "./assistant-picker.ts";
import { limitsFields } from "./limits-fields.ts";
import { originList } from "./origin-list.ts";

/** Every restriction of one public key, explained where it is set; saved with one PATCH. */
export function restrictionsEditor(ctx: Ctx, key: Key, assistants: Assistant[], onSaved: (key: Key) => void) {
  const r = key.restrictions;
  const msg = notice();
  const gaps = h("div");
  const showGaps = (restrictions: Restrictions) =>
    replace(
      gaps,
      ruleGaps(restrictions).map((g) => h("p", { class: "banner warn", role: "status" }, "⚠ ", g)),
    );
  showGaps(r);

  const name = h("input", { name: "keyName", value: key.name ?? "", maxlength: 100 });
  const origins = originList(r.allowedOrigins ?? []);
  const picker = assistantPicker(assistants, r.allowedAssistantIds ?? []);
  const transient = h("input", {
    type: "checkbox",
    name: "allowTransientAssistant",
    checked: r.allowTransientAssistant,
  });
  const overrides = OVERRIDE_FIELDS.map((f) => ({
    f,
    box: h("input", { type: "checkbox", name: "override", value: f, checked: r.allowedOverrides.includes(f) }),
  }));
  const mode = (value: Restrictions["mode"], label: string, hint: string) =>
    h(
      "label",
      { class: "check" },
      h("input", { type: "radio", name: "mode", value, checked: r.mode === value }),
      ` ${label} `,
      h("small", null, hint),
    );
  const enabled = h("input", { type: "checkbox", name: "enabled", checked: r.enabled });
  const limits = limitsFields(r);
  const save = h("button", { type: "submit", class: "primary" }, "Save restrictions");

  const form = h(
    "form",
    { class: "card", "aria-label": "Restrictions" },
    gaps,
    field("Name", name),
    h(
      "fieldset",
      null,
      h("legend", null, "Allowed origins"),
      h(
        "p",
        { class: "hint" },
        "The websites this key works from, e.g. https://app.example.com or https://*.example.com. A wildcard on a suffix anyone can register (https://*.vercel.app) is refused. Empty: any origin.",
      ),
      origins.el,
    ),
    h(
      "fieldset",
      null,
      h("legend", null, "Allowed assistants"),
      h("p", { class: "hint" }, "The saved assistants this key may start. None picked: every assistant of the org."),
      picker.el,
      h(
        "label",
        { class: "check" },
        transient,
        " Allow inline (transient) assistants — the caller sends a whole assistant config, prompt included. Must be off when assistants are picked.",
      ),
    ),
    h(
      "fieldset",
      null,
      h("legend", null, "Allowed overrides"),
      h("p", { class: "hint" }, "Fields of assistantOverrides a caller may send with a saved assistant."),
      overrides.map(({ f, box }) =>
        h("label", { class: "check" }, box, " ", h("code", null, f), " — ", h("small", null, OVERRIDE_RISKS[f])),
      ),
    ),
    h("fieldset", null, h("legend", null, "Limits and caps"), limits.el),
    h(
      "fieldset",
      null,
      h("legend", null, "Mode"),
      mode("enforce", "Enforce", "Refuse what the rules refuse."),
      mode(
        "report-only",
        "Report only",
        "Record what origin/assistant/override rules would refuse, but allow it; limits are still enforced.",
      ),
      h("label", { class: "check" }, enabled, " Key enabled (off: every request with it is refused)"),
    ),
    readOnly(ctx) && h("p", { class: "hint" }, "Viewers cannot save; the server will refuse."),
    save,
    msg.el,
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(save, msg, async () => {
      const { rules, problems } = origins.read();
      if (problems.length) throw new Error(`Fix the origin rules before saving: ${problems.join(" ")}`);
      const modeValue = (form.querySelector("input[name=mode]:checked") as HTMLInputElement | null)?.value;
      const restrictions: Restrictions = {
        enabled: enabled.checked,
        allowTransientAssistant: transient.checked,
        allowedOverrides: overrides.filter((o) => o.box.checked).map((o) => o.f),
        mode: modeValue === "report-only" ? "report-only" : "enforce",
        ...(rules.length && { allowedOrigins: rules }),
        ...(picker.read().length && { allowedAssistantIds: picker.read() }),
        ...limits.read(),
      };
      try {
        const saved = await api.patch<Key>(`/token/${key.id}`, {
          ...(name.value.trim() && { name: name.value.trim() }),
          restrictions,
        });
        showGaps(saved.restrictions);
        origins.show(saved.restrictions.allowedOrigins ?? []);
        msg.ok("Restrictions saved. They apply to new requests at once.");
        onSaved(saved);
      } catch (e) {
        const m = e instanceof ApiError ? /^restrictions\.allowedOrigins\[(\d+)\]$/.exec(e.field ?? "") : null;
        if (m && e instanceof ApiError) origins.errorAt(Number(m[1]), e.message);
        throw e;
      }
    });
  });
  return form;
}
