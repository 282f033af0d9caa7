import { activityView } from "../activity/activity-view.ts";
import { api } from "../api.ts";
import type { Ctx } from "../context.ts";
import { h, replace } from "../dom.ts";
import { restrictionsEditor } from "../keys/restrictions-editor.ts";
import { tryRequest } from "../keys/try-request.ts";
import { href } from "../router.ts";
import type { Assistant, Key } from "../types.ts";
import { copyButton } from "../ui/copy-button.ts";
import { notice } from "../ui/notice.ts";
import { sdkSnippet } from "./welcome.ts";

const TABS: [string, string][] = [
  ["restrictions", "Restrictions"],
  ["try", "Try a request"],
  ["activity", "Activity"],
];

/** One key: restrictions editor with the simulator beside it, and its activity. */
export function keyPage(ctx: Ctx, id: string, tab: string): HTMLElement {
  const msg = notice();
  const body = h("div", null, h("p", null, "Loading…"));
  const title = h("h1", null, "Key");
  const load = async () => {
    try {
      const [key, assistants] = await Promise.all([
        api.get<Key>(`/token/${encodeURIComponent(id)}`),
        api.get<Assistant[]>("/assistant?limit=1000"),
      ]);
      replace(title, `${key.tag === "public" ? "Public" : "Private"} key: ${key.name ?? key.id}`);
      const header = h(
        "div",
        { class: "key-head" },
        h("code", null, key.displayPrefix),
        key.value && key.tag === "public" && copyButton(key.value, "Copy public key"),
      );
      const snippet =
        key.tag === "public" && key.value
          ? h(
              "details",
              { class: "card" },
              h("summary", null, "Use this key from your page"),
              h("pre", { class: "snippet" }, sdkSnippet(key.value, key.restrictions.allowedAssistantIds?.[0] ?? null)),
              copyButton(sdkSnippet(key.value, key.restrictions.allowedAssistantIds?.[0] ?? null), "Copy snippet"),
            )
          : null;
      let content: HTMLElement;
      if (tab === "activity") content = activityView(key);
      else if (tab === "try") content = tryRequest(key, assistants);
      else if (key.tag === "private")
        content = h("p", { class: "card" }, "Private keys have no browser restrictions: they stay on your server.");
      else
        content = h(
          "div",
          { class: "split" },
          restrictionsEditor(ctx, key, assistants, () => undefined),
          tryRequest(key, assistants),
        );
      replace(body, header, snippet, content);
    } catch (e) {
      msg.error(e);
      replace(body);
    }
  };
  void load();
  return h(
    "section",
    null,
    h("p", null, h("a", { href: href("keys") }, "← All keys")),
    title,
    h(
      "nav",
      { class: "tabs" },
      TABS.map(([t, label]) => h("a", { href: href(`keys/${id}/${t}`), class: t === tab ? "active" : "" }, label)),
    ),
    msg.el,
    body,
  );
}
