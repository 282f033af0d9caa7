import { describe } from "../api.ts";
import { h, replace } from "../dom.ts";

/** A message slot: shows one error or success line, with role=alert so it is read out. */
export type Notice = { el: HTMLElement; error(e: unknown): void; ok(text: string): void; clear(): void };

export function notice(): Notice {
  const el = h("div", { class: "notice", "aria-live": "polite" });
  return {
    el,
    error(e) {
      el.className = "notice error";
      el.setAttribute("role", "alert");
      replace(el, describe(e));
    },
    ok(text) {
      el.className = "notice ok";
      el.removeAttribute("role");
      replace(el, text);
    },
    clear() {
      el.className = "notice";
      replace(el);
    },
  };
}

/**
 * Runs `work` for a button: disables it meanwhile and reports failures in `msg`. A failed request
 * changes nothing on the page, because callers update the page only after `work` succeeds.
 */
export async function act(button: HTMLButtonElement | null, msg: Notice, work: () => Promise<void>): Promise<void> {
  msg.clear();
  if (button) button.disabled = true;
  try {
    await work();
  } catch (e) {
    msg.error(e);
  } finally {
    if (button) button.disabled = false;
  }
}
