import { h } from "../dom.ts";
import { href } from "../router.ts";
import { copyButton } from "../ui/copy-button.ts";

/** A web-SDK snippet for a public key (or a placeholder). */
export function sdkSnippet(publicKey: string | null, assistantId: string | null): string {
  return [
    'import { Portcullis } from "@portcullis/web";',
    "",
    "// A public key is safe in page source: it only works from your origins, for your assistants.",
    `const client = new Portcullis({ publicKey: "${publicKey ?? "pcpk_…"}", baseUrl: "${location.origin}" });`,
    `const call = await client.start("${assistantId ?? "asst_…"}");`,
    'call.on("transcript", (t) => console.log(t.role, t.transcript));',
  ].join("\n");
}

/** The first visit: what makes a published key safe, and how to use one. */
export function welcomePage(publicKey: string | null): HTMLElement {
  const snippet = sdkSnippet(publicKey, null);
  return h(
    "section",
    { class: "welcome card" },
    h("h1", null, "Browser keys you can publish"),
    h("p", null, "A public key sits in your page's source, so anyone can copy it. Three defences make that harmless:"),
    h(
      "ol",
      { class: "defences" },
      h(
        "li",
        null,
        h("strong", null, "Origin. "),
        "The key works only from the websites you list (e.g. https://app.example.com). A copied key on another site is refused.",
      ),
      h(
        "li",
        null,
        h("strong", null, "Assistant. "),
        "The key starts only the assistants you pick, and callers may change only the fields you allow — nobody can swap in their own prompt.",
      ),
      h(
        "li",
        null,
        h("strong", null, "Token. "),
        "For signed-in users, your backend signs a short-lived token (JWT) per user; limits then apply per user, and a token expires in minutes.",
      ),
    ),
    h("p", null, "Limits (rate, concurrency, minutes per day) bound what even an allowed caller can spend."),
    h("h2", null, "Use it from your page"),
    h("pre", { class: "snippet" }, snippet),
    copyButton(snippet, "Copy snippet"),
    h(
      "p",
      null,
      "Start by ",
      h("a", { href: href("assistants") }, "creating an assistant"),
      ", then ",
      h("a", { href: href("keys") }, "a public key"),
      " restricted to your origin and that assistant.",
    ),
  );
}
