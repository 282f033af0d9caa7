import { api, setAuth } from "../api.ts";
import { field, h } from "../dom.ts";
import type { Session } from "../types.ts";
import { act, notice } from "../ui/notice.ts";

/** The one-time setup link printed at first start: creates the owner, then signs them in. */
export function setupPage(token: string, onSignedIn: (session: Session) => void): HTMLElement {
  const msg = notice();
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "new-password", required: true });
  const confirm = h("input", { type: "password", name: "confirm", autocomplete: "new-password", required: true });
  const submit = h("button", { type: "submit", class: "primary" }, "Create owner");
  const form = h(
    "form",
    { class: "card narrow", "aria-label": "Set up the owner" },
    h("h1", null, "Set up Portcullis"),
    h("p", null, "Create the owner of this organisation. This link works once."),
    !token && h("p", { class: "notice error", role: "alert" }, "This setup link has no token; use the full link."),
    field("Email", email),
    field("Password", password, "At least 10 characters."),
    field("Repeat password", confirm),
    submit,
    msg.el,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(submit, msg, async () => {
      if (password.value !== confirm.value) throw new Error("The two passwords differ.");
      const session = await api.post<Session>("/session/setup", {
        token,
        email: email.value.trim(),
        password: password.value,
      });
      setAuth({ kind: "session", csrfToken: session.csrfToken });
      onSignedIn(session);
    });
  });
  return h("main", { class: "center" }, form);
}
