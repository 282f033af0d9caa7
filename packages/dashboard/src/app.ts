import { ApiError, api, currentAuth, setAuth, whenSignedOut } from "./api.ts";
import type { Ctx } from "./context.ts";
import { h, replace } from "./dom.ts";
import { assistantsPage } from "./pages/assistants.ts";
import { keyPage } from "./pages/key-page.ts";
import { keysPage } from "./pages/keys.ts";
import { orgPage } from "./pages/org.ts";
import { setupPage } from "./pages/setup.ts";
import { signInPage } from "./pages/sign-in.ts";
import { signingKeysPage } from "./pages/signing-keys.ts";
import { welcomePage } from "./pages/welcome.ts";
import { go, href, readRoute } from "./router.ts";
import type { Session } from "./types.ts";

const NAV: [string, string][] = [
  ["keys", "Keys"],
  ["assistants", "Assistants"],
  ["signing-keys", "Signing keys"],
  ["org", "Org settings"],
  ["welcome", "Getting started"],
];

/** Boots the app: finds out who is signed in, then renders the page the hash names. */
export async function startApp(root: HTMLElement): Promise<void> {
  let ctx: Ctx | null = null;
  let signedOutReason: string | undefined;

  const signedIn = (session: Session | null) => {
    ctx = { member: session?.member ?? null, orgId: session?.orgId ?? null, signOut };
    signedOutReason = undefined;
    const { parts } = readRoute();
    if (parts[0] === "setup" || parts[0] === "sign-in" || parts.length === 0) go("keys");
    else render();
  };

  const signOut = () => {
    const was = currentAuth();
    setAuth({ kind: "none" });
    ctx = null;
    if (was.kind === "session")
      void fetch("/session", { method: "DELETE", headers: { "x-csrf-token": was.csrfToken } }).catch(() => undefined);
    go("sign-in");
    render();
  };

  whenSignedOut((reason) => {
    setAuth({ kind: "none" });
    ctx = null;
    signedOutReason = reason;
    render();
  });

  const render = () => {
    const route = readRoute();
    const [page, id, tab] = route.parts;
    if (page === "setup") return replace(root, setupPage(route.query.get("token") ?? "", signedIn));
    if (!ctx) return replace(root, signInPage(signedIn, signedOutReason));
    const c: Ctx = ctx;
    let content: HTMLElement;
    switch (page) {
      case "assistants":
        content = assistantsPage(c, id);
        break;
      case "signing-keys":
        content = signingKeysPage(c);
        break;
      case "org":
        content = orgPage(c);
        break;
      case "welcome":
        content = welcomePage(null);
        break;
      default:
        content = id ? keyPage(c, id, tab ?? "restrictions") : keysPage(c);
    }
    const who = c.member ? `${c.member.email} (${c.member.role})` : "private key";
    replace(
      root,
      h(
        "header",
        { class: "top" },
        h("a", { class: "brand", href: href("keys") }, "Portcullis"),
        h(
          "nav",
          null,
          NAV.map(([path, label]) =>
            h("a", { href: href(path), class: (page ?? "keys") === path ? "active" : "" }, label),
          ),
        ),
        h("span", { class: "who" }, who),
        h("button", { type: "button", onclick: signOut }, "Sign out"),
      ),
      c.member?.role === "viewer" &&
        h("p", { class: "banner" }, "You are a viewer: you can read everything here, and the server refuses changes."),
      h("main", null, content),
    );
  };

  window.addEventListener("hashchange", render);
  try {
    const session = await api.get<Session>("/session");
    setAuth({ kind: "session", csrfToken: session.csrfToken });
    ctx = { member: session.member, orgId: session.orgId, signOut };
  } catch (e) {
    // 401: nobody signed in. 404: a server without member sign-in; the private-key form still works.
    if (!(e instanceof ApiError) || e.status === 0) signedOutReason = e instanceof Error ? e.message : String(e);
  }
  render();
}
