import { api } from "../api.ts";
import type { Ctx } from "../context.ts";
import { field, h } from "../dom.ts";
import type { Member } from "../types.ts";
import { act, type Notice, notice } from "../ui/notice.ts";

type Reset = Member & { sessionsEnded: number };

/**
 * Whether the signed-in member may set `m`'s password: owners and admins, not their own (that is
 * "Your password", which asks for the current one) and, for an admin, not an owner's.
 */
export function maySetPassword(ctx: Ctx, m: Member): boolean {
  const mine = ctx.member;
  if (!mine || mine.id === m.id) return false;
  if (mine.role === "owner") return true;
  return mine.role === "admin" && m.role !== "owner";
}

/**
 * "Set password" for a member who lost theirs (POST /member/{id}/password): a button for the
 * member's row and, under the row, a form that opens with it. The server's refusal shows in the form;
 * on success the form closes and `msg` says their sessions ended.
 */
export function setPasswordControl(m: Member, columns: number, msg: Notice): { button: HTMLElement; row: HTMLElement } {
  const formMsg = notice();
  const input = h("input", {
    type: "password",
    name: "newMemberPassword",
    autocomplete: "new-password",
    required: true,
  });
  const save = h("button", { type: "submit", class: "primary" }, "Set password");
  const cancel = h("button", { type: "button" }, "Cancel");
  const form = h(
    "form",
    { "aria-label": `Set a password for ${m.email}` },
    formMsg.el,
    field(
      `New password for ${m.email}`,
      input,
      "At least 10 characters. Every session of theirs ends; share the password privately.",
    ),
    h("div", { class: "row" }, save, cancel),
  );
  const row = h("tr", { hidden: true }, h("td", { colspan: String(columns) }, form));
  const button = h("button", { type: "button", "aria-expanded": "false" }, "Set password");
  const open = (shown: boolean) => {
    row.hidden = !shown;
    button.setAttribute("aria-expanded", String(shown));
    input.value = "";
    formMsg.clear();
    if (shown) input.focus();
  };
  button.addEventListener("click", () => open(row.hidden));
  cancel.addEventListener("click", () => open(false));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(save, formMsg, async () => {
      const reset = await api.post<Reset>(`/member/${m.id}/password`, { password: input.value });
      open(false);
      msg.ok(
        `${reset.email} has a new password. ${
          reset.sessionsEnded === 0
            ? "They had no open session."
            : `Their ${reset.sessionsEnded} open session(s) ended; they sign in again with it.`
        }`,
      );
    });
  });
  return { button, row };
}
