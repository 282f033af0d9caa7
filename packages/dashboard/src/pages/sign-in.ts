import { api, setAuth } from "../api.ts";
import { field, h } from "../dom.ts";
import type { Session } from "../types.ts";
import { act, notice } from "../ui/notice.ts";

/** Email + password sign-in; a private key works too while an org has no members yet. */
export function signInPage(onSignedIn: (session: Session | null) => void, reason?: string): HTMLElement {
  const msg = notice();
  if (reason) msg.error(new Error(reason));
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", class: "primary" }, "Sign in");
  const form = h(
    "form",
    { class: "card narrow", "aria-label": "Sign in" },
    h("h1", null, "Sign in to Portcullis"),
    field("Email", email),
    field("Password", password),
    submit,
    msg.el,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(submit, msg, async () => {
      const session = await api.post<Session>("/session", { email: email.value.trim(), password: password.value });
      setAuth({ kind: "session", csrfToken: session.csrfToken });
      onSignedIn(session);
    });
  });

  const keyMsg = notice();
  const key = h("input", { type: "password", name: "privateKey", placeholder: "pcsk_…", autocomplete: "off" });
  const useKey = h("button", { type: "submit" }, "Use private key");
  const keyForm = h(
    "form",
    { class: "card narrow" },
    h(
      "details",
      null,
      h("summary", null, "Sign in with a private key instead"),
      h(
        "p",
        { class: "hint" },
        "For operators before any member exists. The key is kept in this tab's memory only and forgotten on reload.",
      ),
      field("Private key", key),
      useKey,
      keyMsg.el,
    ),
  );
  keyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(useKey, keyMsg, async () => {
      setAuth({ kind: "key", key: key.value.trim() });
      try {
        await api.get("/org");
      } catch (e) {
        setAuth({ kind: "none" });
        throw e;
      }
      onSignedIn(null);
    });
  });
  return h("main", { class: "center" }, form, keyForm);
}
