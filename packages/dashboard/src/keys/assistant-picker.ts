import { h } from "../dom.ts";
import type { Assistant } from "../types.ts";

/** A searchable multi-select of saved assistants. */
export function assistantPicker(assistants: Assistant[], selected: readonly string[]) {
  const chosen = new Set(selected);
  const search = h("input", {
    type: "search",
    placeholder: "Search assistants by name or ID",
    name: "assistant-search",
  });
  const count = h("small");
  const items = assistants.map((a) => {
    const box = h("input", { type: "checkbox", value: a.id, checked: chosen.has(a.id), name: "assistant" });
    box.addEventListener("change", () => {
      if (box.checked) chosen.add(a.id);
      else chosen.delete(a.id);
      count.textContent = `${chosen.size} selected`;
    });
    const label = h("label", { class: "check" }, box, ` ${a.name ?? "(unnamed)"} `, h("code", null, a.id));
    return { a, label };
  });
  // IDs kept on the key whose assistants were deleted still count; show them so they can be removed.
  const missing = selected.filter((id) => !assistants.some((a) => a.id === id));
  const missingItems = missing.map((id) => {
    const box = h("input", { type: "checkbox", value: id, checked: true, name: "assistant" });
    box.addEventListener("change", () => (box.checked ? chosen.add(id) : chosen.delete(id)));
    return h("label", { class: "check" }, box, " (deleted assistant) ", h("code", null, id));
  });
  search.addEventListener("input", () => {
    const q = search.value.trim().toLowerCase();
    for (const { a, label } of items) label.hidden = q !== "" && !`${a.name ?? ""} ${a.id}`.toLowerCase().includes(q);
  });
  count.textContent = `${chosen.size} selected`;
  return {
    el: h(
      "div",
      { class: "picker" },
      search,
      count,
      h(
        "div",
        { class: "options" },
        items.map((i) => i.label),
        missingItems,
      ),
      assistants.length === 0 && h("p", { class: "hint" }, "No assistants yet: create one on the Assistants page."),
    ),
    read: () => [...chosen],
  };
}
