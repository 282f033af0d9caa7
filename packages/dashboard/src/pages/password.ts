import { api } from "../api.ts";
import { field, h } from "../dom.ts";
import { act, notice } from "../ui/notice.ts";

/**
 * The signed-in member's own password (POST /session/password). Every role may change it; the
 * current password is asked for, and every other session of the member ends.
 */
export function passwordSection(): HTMLElement {
  const msg = notice();
  const input = (name: string, autocomplete: string) =>
    h("input", { type: "password", name, autocomplete, required: true });
  const current = input("currentPassword", "current-password");
  const next = input("newPassword", "new-password");
  const again = input("newPasswordAgain", "new-password");
  const save = h("button", { type: "submit", class: "primary" }, "Change password");
  const form = h(
    "form",
    { class: "card", "aria-label": "Change your password" },
    h("h2", null, "Your password"),
    msg.el,
    field("Current password", current),
    field("New password", next, "At least 10 characters."),
    field("New password, again", again),
    save,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(save, msg, async () => {
      if (next.value !== again.value) throw new Error("The two new passwords differ; nothing was changed.");
      const { revoked } = await api.post<{ revoked: number }>("/session/password", {
        currentPassword: current.value,
        newPassword: next.value,
      });
      for (const el of [current, next, again]) el.value = "";
      msg.ok(
        `Password changed. ${revoked === 0 ? "No other session was open." : `${revoked} other session(s) signed out.`}`,
      );
    });
  });
  return form;
}
