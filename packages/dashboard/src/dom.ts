/** A child of {@link h}: nodes, text, or nothing (false/null/undefined are skipped). */
export type Child = Node | string | number | false | null | undefined | Child[];

type Props = Record<string, unknown> & {
  class?: string;
  style?: string;
  dataset?: Record<string, string>;
};

/**
 * Creates an element: `on*` props become listeners, `value`/`checked`/`disabled` are set as
 * properties, everything else as attributes.
 *
 * @example
 * h("button", { class: "primary", onclick: save }, "Save");
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value as EventListener);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else if (name === "value" || name === "checked" || name === "disabled" || name === "selected") {
      (el as unknown as Record<string, unknown>)[name] = value;
    } else {
      el.setAttribute(name === "className" ? "class" : name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children, flattening arrays and skipping empty ones. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

let nextId = 0;

/** A labelled form row: the label (the control's accessible name), the control and an optional hint. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const target = control.matches("input, select, textarea")
    ? control
    : control.querySelector("input, select, textarea");
  const id = target?.id || `f${++nextId}`;
  if (target) target.id = id;
  return h(
    "div",
    { class: "field" },
    h("label", { class: "label", for: id }, label),
    control,
    hint && h("small", { class: "hint" }, hint),
  );
}
