import { api } from "../api.ts";
import { type Ctx, readOnly } from "../context.ts";
import { h, replace } from "../dom.ts";
import { when } from "../format.ts";
import { go, href } from "../router.ts";
import type { Assistant } from "../types.ts";
import { notice } from "../ui/notice.ts";
import { assistantEditor } from "./assistant-editor.ts";

/** The org's assistants; `#/assistants/new` or `#/assistants/{id}` opens the editor. */
export function assistantsPage(ctx: Ctx, id: string | undefined): HTMLElement {
  const msg = notice();
  const body = h("div", null, h("p", null, "Loading assistants…"));
  const load = async () => {
    try {
      if (id === "new")
        return replace(
          body,
          assistantEditor(ctx, null, (a) => go(`assistants/${a.id}`)),
        );
      if (id) {
        const assistant = await api.get<Assistant>(`/assistant/${encodeURIComponent(id)}`);
        return replace(
          body,
          assistantEditor(ctx, assistant, () => go("assistants")),
        );
      }
      const list = await api.get<Assistant[]>("/assistant?limit=1000");
      replace(
        body,
        !readOnly(ctx) &&
          h("p", null, h("a", { class: "button primary", href: href("assistants/new") }, "New assistant")),
        list.length === 0
          ? h(
              "p",
              { class: "card" },
              "No assistants yet. An assistant is the prompt, model and voice a call runs; public keys name the ones they may start.",
            )
          : h(
              "table",
              null,
              h(
                "thead",
                null,
                h(
                  "tr",
                  null,
                  ["Name", "ID", "Model", "Created"].map((t) => h("th", null, t)),
                ),
              ),
              h(
                "tbody",
                null,
                list.map((a) =>
                  h(
                    "tr",
                    null,
                    h("td", null, h("a", { href: href(`assistants/${a.id}`) }, a.name ?? "(unnamed)")),
                    h("td", null, h("code", null, a.id)),
                    h("td", null, a.model ? `${a.model.provider}${a.model.model ? ` / ${a.model.model}` : ""}` : "—"),
                    h("td", null, when(a.createdAt)),
                  ),
                ),
              ),
            ),
      );
    } catch (e) {
      msg.error(e);
      replace(body);
    }
  };
  void load();
  return h("section", null, h("h1", null, "Assistants"), msg.el, body);
}
