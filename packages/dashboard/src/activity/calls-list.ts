import { api, call } from "../api.ts";
import { append, h, replace } from "../dom.ts";
import { duration, when } from "../format.ts";
import type { Call } from "../types.ts";
import { act, notice } from "../ui/notice.ts";

const PAGE = 50;

/** Calls started with a key (newest first, 50 at a time) and, on click, one call's transcript. */
export function callsList(keyId: string): HTMLElement {
  const msg = notice();
  const rows = h("tbody");
  const transcript = h("div", { class: "transcript" });
  const refresh = h("button", { type: "button" }, "Refresh calls");

  const open = (id: string, button: HTMLButtonElement) =>
    act(button, msg, async () => {
      const c = await api.get<Call>(`/call/${id}`);
      replace(
        transcript,
        h("h3", null, `Call ${c.id}`),
        h("p", null, `${c.status} · ${duration(c.durationSeconds)} · ended: ${c.endedReason ?? "—"}`),
        c.messages.length
          ? h(
              "ol",
              { class: "messages" },
              c.messages.map((m) =>
                h("li", { class: m.role }, h("strong", null, m.role === "user" ? "User" : "AI"), `: ${m.content}`),
              ),
            )
          : h("p", { class: "hint" }, "No transcript: nothing was said in this call."),
      );
    });

  const older = h("button", { type: "button", hidden: true }, "Older calls");
  let cursor: string | null = null;

  /** The key's calls, newest first, a page at a time: the server filters them by key. */
  const load = (button: HTMLButtonElement | null, more = false) =>
    act(button, msg, async () => {
      const query = new URLSearchParams({ keyId, limit: String(PAGE) });
      if (more && cursor) query.set("cursor", cursor);
      const { data, nextCursor } = await call<Call[]>("GET", `/call?${query}`);
      cursor = nextCursor;
      older.hidden = nextCursor === null;
      const page = data.map((c) => {
        const view = h("button", { type: "button" }, "Transcript");
        view.addEventListener("click", () => void open(c.id, view));
        return h(
          "tr",
          { dataset: { callId: c.id } },
          h("td", null, when(c.createdAt)),
          h("td", null, c.status),
          h("td", null, duration(c.durationSeconds)),
          h("td", null, c.userId ?? "anonymous"),
          h("td", null, c.origin ?? "—"),
          h("td", null, c.endedReason ?? "—"),
          h("td", null, view),
        );
      });
      if (more) append(rows, page);
      else replace(rows, page.length ? page : h("tr", null, h("td", { colspan: 7 }, "No calls with this key yet.")));
    });
  refresh.addEventListener("click", () => void load(refresh));
  older.addEventListener("click", () => void load(older, true));
  void load(null);
  return h(
    "section",
    { class: "card" },
    h("h2", null, "Calls"),
    refresh,
    msg.el,
    h(
      "table",
      { class: "calls" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["Started", "Status", "Duration", "User", "Origin", "Ended reason", ""].map((t) => h("th", null, t)),
        ),
      ),
      rows,
    ),
    older,
    transcript,
  );
}
