import { ApiError, api } from "../api.ts";
import { type Ctx, readOnly } from "../context.ts";
import { field, h, replace } from "../dom.ts";
import type { Member } from "../types.ts";
import { act, type Notice, notice } from "../ui/notice.ts";
import { maySetPassword, setPasswordControl } from "./member-password.ts";

const ROLES: Member["role"][] = ["viewer", "admin", "owner"];

/**
 * A member's role as a selector, saved on change (PATCH /member/{id}). An admin is offered only
 * admin and viewer, and an owner's role stays text for them: the server refuses the rest anyway.
 * On a refusal (the last owner, say) the selector goes back to the role the member still has.
 */
function roleSelector(ctx: Ctx, m: Member, msg: Notice, reload: () => Promise<void>): HTMLElement | string {
  const mine = ctx.member?.role;
  if (readOnly(ctx) || !ctx.member || (mine === "admin" && m.role === "owner")) return m.role;
  const offered = mine === "owner" ? ROLES : ROLES.filter((r) => r !== "owner");
  const select = h(
    "select",
    { name: "role", "aria-label": `Role of ${m.email}` },
    offered.map((r) => h("option", { value: r, selected: r === m.role }, r)),
  );
  select.addEventListener("change", () => {
    const role = select.value;
    select.disabled = true;
    msg.clear();
    api
      .patch<Member>(`/member/${m.id}`, { role })
      .then(async (saved) => {
        msg.ok(`${saved.email} is now ${saved.role}.`);
        await reload();
      })
      .catch((e: unknown) => {
        select.value = m.role;
        msg.error(e);
      })
      .finally(() => {
        select.disabled = false;
      });
  });
  return select;
}

/** Members of the org: invite with a role, change a role, set a lost password, remove, sign out everywhere. */
export function membersSection(ctx: Ctx): HTMLElement {
  const msg = notice();
  const list = h("div", null, h("p", null, "Loading members…"));
  const load = async () => {
    try {
      const members = await api.get<Member[]>("/member");
      replace(
        list,
        h(
          "table",
          { class: "members" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ["Email", "Role", ""].map((t) => h("th", null, t)),
            ),
          ),
          h(
            "tbody",
            null,
            members.map((m) => {
              const sessions = h("button", { type: "button" }, "Sign out everywhere");
              const remove = h("button", { type: "button", class: "danger" }, "Remove");
              sessions.addEventListener("click", () =>
                act(sessions, msg, async () => {
                  await api.del(`/member/${m.id}/sessions`);
                  msg.ok(`Every session of ${m.email} was revoked.`);
                }),
              );
              remove.addEventListener("click", () => {
                if (!confirm(`Remove ${m.email}?`)) return;
                void act(remove, msg, async () => {
                  await api.del(`/member/${m.id}`);
                  await load();
                });
              });
              const password = maySetPassword(ctx, m) ? setPasswordControl(m, 3, msg) : undefined;
              return [
                h(
                  "tr",
                  null,
                  h("td", null, m.email),
                  h("td", null, roleSelector(ctx, m, msg, load)),
                  h(
                    "td",
                    { class: "actions" },
                    readOnly(ctx) || m.id === ctx.member?.id ? null : [password?.button, sessions, remove],
                  ),
                ),
                password?.row,
              ];
            }),
          ),
        ),
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === "ROUTE_NOT_FOUND")
        replace(list, h("p", { class: "hint" }, "This server has no member sign-in yet."));
      else {
        msg.error(e);
        replace(list);
      }
    }
  };
  const email = h("input", { type: "email", name: "memberEmail", required: true });
  const password = h("input", {
    type: "password",
    name: "memberPassword",
    autocomplete: "new-password",
    required: true,
  });
  const role = h(
    "select",
    { name: "memberRole" },
    ["viewer", "admin", "owner"].map((r) => h("option", { value: r }, r)),
  );
  const add = h("button", { type: "submit", class: "primary" }, "Add member");
  const form = h(
    "form",
    { class: "row", "aria-label": "Add a member" },
    field("Email", email),
    field("Initial password", password, "Share it privately."),
    field("Role", role, "Viewers read; admins change keys and settings; owners also manage members."),
    add,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(add, msg, async () => {
      await api.post("/member", { email: email.value.trim(), password: password.value, role: role.value });
      email.value = "";
      password.value = "";
      msg.ok("Member added.");
      await load();
    });
  });
  void load();
  return h("section", { class: "card" }, h("h2", null, "Members"), msg.el, list, readOnly(ctx) ? null : form);
}
