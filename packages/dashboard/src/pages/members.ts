import { ApiError, api } from "../api.ts";
import { type Ctx, readOnly } from "../context.ts";
import { field, h, replace } from "../dom.ts";
import type { Member } from "../types.ts";
import { act, notice } from "../ui/notice.ts";

/** Members of the org: invite with a role, remove, sign out everywhere. */
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
              return h(
                "tr",
                null,
                h("td", null, m.email),
                h("td", null, m.role),
                h("td", { class: "actions" }, readOnly(ctx) || m.id === ctx.member?.id ? null : [sessions, remove]),
              );
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
