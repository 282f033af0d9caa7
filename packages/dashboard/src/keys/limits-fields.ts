import { field, h } from "../dom.ts";
import { intOrUndefined } from "../format.ts";
import type { RateLimitRule, Restrictions, SpendLimit } from "../types.ts";

type Limits = Pick<
  Restrictions,
  | "rateLimits"
  | "maxConcurrentCalls"
  | "maxConcurrentCallsPerUser"
  | "spendLimit"
  | "userSpendLimit"
  | "maxCallDurationSeconds"
  | "expiresAt"
  | "requireChallenge"
>;

const num = (name: string, value: number | undefined) =>
  h("input", { name, inputmode: "numeric", value: value === undefined ? "" : String(value), placeholder: "no limit" });

function spendFields(name: string, value: SpendLimit | undefined) {
  const minutes = num(`${name}.minutes`, value?.minutes);
  const period = h(
    "select",
    { name: `${name}.period` },
    h("option", { value: "day", selected: value?.period !== "month" }, "per day (UTC)"),
    h("option", { value: "month", selected: value?.period === "month" }, "per month (UTC)"),
  );
  return {
    el: h("span", { class: "row" }, minutes, period),
    read: (): SpendLimit | undefined => {
      const m = intOrUndefined(minutes.value, name);
      return m === undefined ? undefined : { minutes: m, period: period.value as SpendLimit["period"] };
    },
  };
}

function rateLimitRows(initial: readonly RateLimitRule[]) {
  const list = h("ul", { class: "rate-limits" });
  const rows: { read(): RateLimitRule | undefined; li: HTMLElement }[] = [];
  const add = (rule?: RateLimitRule) => {
    const requests = num("rate.requests", rule?.requests);
    const windowSeconds = num("rate.windowSeconds", rule?.windowSeconds);
    const per = h(
      "select",
      { name: "rate.per" },
      (["key", "ip", "user", "origin"] as const).map((p) =>
        h("option", { value: p, selected: rule?.per === p }, `per ${p}`),
      ),
    );
    const remove = h("button", { type: "button" }, "Remove");
    const li = h("li", { class: "row" }, requests, " calls every ", windowSeconds, " seconds ", per, remove);
    const row = {
      li,
      read: (): RateLimitRule | undefined => {
        const r = intOrUndefined(requests.value, "Rate limit requests");
        const w = intOrUndefined(windowSeconds.value, "Rate limit window");
        if (r === undefined && w === undefined) return undefined;
        if (r === undefined || w === undefined)
          throw new Error("A rate limit needs both a number of calls and a window.");
        return { requests: r, windowSeconds: w, per: per.value as RateLimitRule["per"] };
      },
    };
    remove.addEventListener("click", () => {
      rows.splice(rows.indexOf(row), 1);
      li.remove();
    });
    rows.push(row);
    list.appendChild(li);
  };
  for (const rule of initial) add(rule);
  const addButton = h("button", { type: "button" }, "Add rate limit");
  addButton.addEventListener("click", () => add());
  return {
    el: h("div", null, list, addButton),
    read: () => rows.map((r) => r.read()).filter((r): r is RateLimitRule => r !== undefined),
  };
}

/** Limits and caps of a public key; empty fields mean "no limit". */
export function limitsFields(r: Restrictions) {
  const concurrent = num("maxConcurrentCalls", r.maxConcurrentCalls);
  const perUser = num("maxConcurrentCallsPerUser", r.maxConcurrentCallsPerUser);
  const duration = num("maxCallDurationSeconds", r.maxCallDurationSeconds);
  const spend = spendFields("spendLimit", r.spendLimit);
  const userSpend = spendFields("userSpendLimit", r.userSpendLimit);
  const rates = rateLimitRows(r.rateLimits ?? []);
  const expires = h("input", {
    name: "expiresAt",
    placeholder: "2027-01-31T00:00:00Z",
    value: r.expiresAt ?? "",
  });
  const challenge = h("input", { type: "checkbox", name: "requireChallenge", checked: r.requireChallenge === true });
  return {
    el: h(
      "div",
      { class: "grid" },
      field("Rate limits on call starts", rates.el, "Each rule counts starts per key, IP, end user or origin."),
      field("Concurrent calls (key)", concurrent, "Calls open at once from this key."),
      field("Concurrent calls per user", perUser, "Per token subject; anonymous callers share the key's pool."),
      field("Call minutes (key)", spend.el, "Refused with SPEND_LIMIT_REACHED once used up."),
      field("Call minutes per user", userSpend.el),
      field("Longest call (seconds)", duration, "10–43200; caps every call this key starts."),
      field("Expires at (ISO 8601)", expires, "After this instant the key is refused (KEY_EXPIRED)."),
      h(
        "label",
        { class: "check" },
        challenge,
        " Require a proof-of-work challenge from anonymous callers (slows scripted abuse).",
      ),
    ),
    read: (): Limits => {
      const out: Limits = {};
      const rateLimits = rates.read();
      if (rateLimits.length) out.rateLimits = rateLimits;
      const c = intOrUndefined(concurrent.value, "Concurrent calls");
      if (c !== undefined) out.maxConcurrentCalls = c;
      const u = intOrUndefined(perUser.value, "Concurrent calls per user");
      if (u !== undefined) out.maxConcurrentCallsPerUser = u;
      const d = intOrUndefined(duration.value, "Longest call");
      if (d !== undefined) out.maxCallDurationSeconds = d;
      const s = spend.read();
      if (s) out.spendLimit = s;
      const us = userSpend.read();
      if (us) out.userSpendLimit = us;
      if (expires.value.trim()) out.expiresAt = expires.value.trim();
      if (challenge.checked) out.requireChallenge = true;
      return out;
    },
  };
}
