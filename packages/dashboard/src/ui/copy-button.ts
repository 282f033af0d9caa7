import { h } from "../dom.ts";

/** A button that copies `text` and says so. */
export function copyButton(text: string, label = "Copy"): HTMLButtonElement {
  const button = h("button", { type: "button", class: "copy" }, label);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch {
      // Clipboard access needs a secure context or permission; fall back to selecting the text.
      button.textContent = "Select and copy by hand";
    }
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  });
  return button;
}
