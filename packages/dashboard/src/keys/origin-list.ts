import { canonicalizeOriginRule } from "../../../core/src/origin-rules.ts";
import { h, replace } from "../dom.ts";

/** The origin rules editor: one input per rule, each checked as it is typed with core's own parser. */
export type OriginList = {
  el: HTMLElement;
  read(): { rules: string[]; problems: string[] };
  errorAt(i: number, m: string): void;
  /** Shows the rules as the server stored them (canonical). */
  show(rules: readonly string[]): void;
};

export function originList(initial: readonly string[]): OriginList {
  const rows = h("ul", { class: "origins" });
  const rowsState: { input: HTMLInputElement; status: HTMLElement }[] = [];

  const check = (input: HTMLInputElement, status: HTMLElement) => {
    const value = input.value.trim();
    if (value === "") {
      status.className = "rule-status";
      return replace(status, "Empty rows are ignored.");
    }
    const read = canonicalizeOriginRule(value);
    if (read.ok) {
      status.className = "rule-status ok";
      replace(status, `✓ ${read.canonical}${read.wildcard ? " (any subdomain)" : ""}`);
      input.setAttribute("aria-invalid", "false");
    } else {
      status.className = "rule-status bad";
      replace(status, `✗ ${read.reason}`);
      input.setAttribute("aria-invalid", "true");
    }
  };

  const add = (value: string) => {
    const input = h("input", { name: "origin", value, placeholder: "https://app.example.com", spellcheck: "false" });
    const status = h("small", { class: "rule-status", "data-role": "origin-status" });
    const state = { input, status };
    const remove = h("button", { type: "button", "aria-label": "Remove origin" }, "Remove");
    const li = h("li", null, h("div", { class: "row" }, input, remove), status);
    input.addEventListener("input", () => check(input, status));
    remove.addEventListener("click", () => {
      rowsState.splice(rowsState.indexOf(state), 1);
      li.remove();
    });
    rowsState.push(state);
    rows.appendChild(li);
    check(input, status);
    return input;
  };

  const show = (rules: readonly string[]) => {
    for (const row of rowsState.splice(0)) row.input.closest("li")?.remove();
    for (const rule of rules) add(rule);
    if (rules.length === 0) add("");
  };
  show(initial);
  const addButton = h("button", { type: "button" }, "Add origin");
  addButton.addEventListener("click", () => add("").focus());

  return {
    el: h("div", null, rows, addButton),
    read() {
      const rules: string[] = [];
      const problems: string[] = [];
      for (const { input } of rowsState) {
        const value = input.value.trim();
        if (!value) continue;
        const read = canonicalizeOriginRule(value);
        if (read.ok) rules.push(read.canonical);
        else problems.push(`'${value}': ${read.reason}`);
      }
      return { rules, problems };
    },
    show,
    errorAt(i, message) {
      const filled = rowsState.filter((r) => r.input.value.trim());
      const row = filled[i];
      if (!row) return;
      row.status.className = "rule-status bad";
      replace(row.status, `✗ ${message}`);
    },
  };
}
