import { api } from "../api.ts";
import { type Ctx, readOnly } from "../context.ts";
import { field, h, replace } from "../dom.ts";
import { intOrUndefined } from "../format.ts";
import type { Org } from "../types.ts";
import { copyButton } from "../ui/copy-button.ts";
import { act, notice } from "../ui/notice.ts";
import { membersSection } from "./members.ts";
import { passwordSection } from "./password.ts";

const numberInput = (name: string, value: number | null | undefined, placeholder = "no cap") =>
  h("input", {
    name,
    inputmode: "numeric",
    value: value === null || value === undefined ? "" : String(value),
    placeholder,
  });

/** Org-wide settings: client-token lifetime cap, caps over every key, alert webhook; members; your password. */
export function orgPage(ctx: Ctx): HTMLElement {
  const msg = notice();
  const body = h("div", null, h("p", null, "Loading…"));
  const render = (org: Org) => {
    const ttl = numberInput("maxTokenTtlSeconds", org.maxTokenTtlSeconds, "");
    const concurrent = numberInput("maxConcurrentCalls", org.maxConcurrentCalls);
    const minutes = numberInput("spendLimit.minutes", org.spendLimit?.minutes);
    const period = h(
      "select",
      { name: "spendLimit.period" },
      h("option", { value: "day", selected: org.spendLimit?.period !== "month" }, "per day (UTC)"),
      h("option", { value: "month", selected: org.spendLimit?.period === "month" }, "per month (UTC)"),
    );
    const webhook = h("input", {
      name: "webhookUrl",
      value: org.webhookUrl ?? "",
      placeholder: "https://example.com/hooks/portcullis",
    });
    const threshold = numberInput("refusalAlertThreshold", org.refusalAlertThreshold, "no alert");
    const windowSeconds = numberInput("refusalAlertWindowSeconds", org.refusalAlertWindowSeconds, "300");
    const save = h("button", { type: "submit", class: "primary" }, "Save settings");
    const form = h(
      "form",
      { class: "card", "aria-label": "Org settings" },
      h("h2", null, `Organisation ${org.name}`),
      field("Longest client token (seconds)", ttl, "exp − iat of tokens your backend signs; 1–86400."),
      field("Concurrent calls (whole org)", concurrent, "Across every key; empty: no cap."),
      field("Call minutes (whole org)", h("span", { class: "row" }, minutes, period), "Empty: no cap."),
      field("Alert webhook URL", webhook, "Spend caps crossing 80%/100% and refusal floods are POSTed here, signed."),
      org.webhookSecret &&
        h(
          "p",
          null,
          "Webhook signing secret: ",
          h("code", null, org.webhookSecret),
          " ",
          copyButton(org.webhookSecret),
        ),
      field("Refusal alert threshold", threshold, "Alert when one key is refused this many times within the window."),
      field("Refusal alert window (seconds)", windowSeconds, "60–86400."),
      save,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void act(save, msg, async () => {
        const m = intOrUndefined(minutes.value, "Call minutes");
        const patch = {
          maxTokenTtlSeconds: intOrUndefined(ttl.value, "Longest client token"),
          maxConcurrentCalls: intOrUndefined(concurrent.value, "Concurrent calls") ?? null,
          spendLimit: m === undefined ? null : { minutes: m, period: period.value },
          webhookUrl: webhook.value.trim() || null,
          refusalAlertThreshold: intOrUndefined(threshold.value, "Refusal alert threshold") ?? null,
          refusalAlertWindowSeconds: intOrUndefined(windowSeconds.value, "Refusal alert window"),
        };
        const saved = await api.patch<Org>("/org", patch);
        render(saved);
        msg.ok("Settings saved.");
      });
    });
    replace(body, form, membersSection(ctx), ctx.member && passwordSection());
  };
  api
    .get<Org>("/org")
    .then(render)
    .catch((e: unknown) => {
      msg.error(e);
      replace(body);
    });
  return h(
    "section",
    null,
    h("h1", null, "Org settings"),
    readOnly(ctx) && h("p", { class: "hint" }, "Read-only for viewers."),
    msg.el,
    body,
  );
}
