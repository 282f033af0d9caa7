import { call } from "../api.ts";
import { append, field, h, replace } from "../dom.ts";
import { when } from "../format.ts";
import type { AuditEvent } from "../types.ts";
import { act, notice } from "../ui/notice.ts";

const EVENTS = [
  "call.start",
  "call.end",
  "call.deny",
  "call.would-deny",
  "token.create",
  "token.update",
  "token.rotate",
  "token.revoke",
  "assistant.create",
  "assistant.update",
  "assistant.delete",
  "signing-key.create",
  "signing-key.delete",
  "org.update",
];

function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** The audit log, newest first, filtered by event, reason and time; pages with x-next-cursor. */
export function auditLog(keyId: string | null): HTMLElement {
  const msg = notice();
  const event = h(
    "select",
    { name: "auditEvent" },
    h("option", { value: "" }, "any event"),
    EVENTS.map((e) => h("option", { value: e }, e)),
  );
  const reason = h("input", { name: "auditReason", placeholder: "e.g. ORIGIN_NOT_ALLOWED" });
  const from = h("input", { type: "datetime-local", name: "auditFrom" });
  const to = h("input", { type: "datetime-local", name: "auditTo" });
  const apply = h("button", { type: "submit" }, "Filter");
  const more = h("button", { type: "button", hidden: true }, "Older events");
  const rows = h("tbody");
  let cursor: string | null = null;

  const query = (after: string | null) => {
    const q = new URLSearchParams({ limit: "50" });
    if (keyId) q.set("keyId", keyId);
    if (event.value.trim()) q.set("event", event.value.trim());
    if (reason.value.trim()) q.set("reason", reason.value.trim());
    const f = toIso(from.value);
    const t = toIso(to.value);
    if (f) q.set("from", f);
    if (t) q.set("to", t);
    if (after) q.set("cursor", after);
    return `/audit?${q}`;
  };

  const load = async (button: HTMLButtonElement | null, older: boolean) =>
    act(button, msg, async () => {
      const { data, nextCursor } = await call<AuditEvent[]>("GET", query(older ? cursor : null));
      cursor = nextCursor;
      more.hidden = !nextCursor;
      const trs = data.map((e) =>
        h(
          "tr",
          null,
          h("td", null, when(e.at)),
          h("td", null, h("code", null, e.event)),
          h("td", null, e.reason ?? ""),
          h("td", null, e.origin ?? ""),
          h("td", null, e.userId ?? ""),
          h("td", null, e.callId ?? e.assistantId ?? ""),
        ),
      );
      if (older) append(rows, trs);
      else replace(rows, trs.length ? trs : h("tr", null, h("td", { colspan: 6 }, "No events match.")));
    });

  const form = h(
    "form",
    { class: "row filters", "aria-label": "Audit filters" },
    field("Event", event),
    field("Reason", reason),
    field("From", from),
    field("To", to),
    apply,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void load(apply, false);
  });
  more.addEventListener("click", () => void load(more, true));
  void load(null, false);
  return h(
    "section",
    { class: "card" },
    h("h2", null, "Audit log"),
    form,
    msg.el,
    h(
      "table",
      { class: "audit" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["When", "Event", "Reason", "Origin", "User", "Call / assistant"].map((t) => h("th", null, t)),
        ),
      ),
      rows,
    ),
    more,
  );
}
