import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import type { Key, Stats } from "../types.ts";
import { barChart, timeChart } from "../ui/charts.ts";
import { notice } from "../ui/notice.ts";
import { auditLog } from "./audit-log.ts";
import { callsList } from "./calls-list.ts";

function bucketLabel(iso: string, bucketSeconds: number): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return bucketSeconds >= 86_400 ? `${d.getMonth() + 1}/${d.getDate()}` : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A key's activity: decisions over time, refusals by reason and origin, the audit log and calls. */
export function activityView(key: Key): HTMLElement {
  const msg = notice();
  const charts = h("div", { class: "charts" }, h("p", null, "Loading activity…"));
  const windowSelect = h(
    "select",
    { name: "window" },
    ["1h", "24h", "7d"].map((w) => h("option", { value: w, selected: w === "24h" }, `Last ${w}`)),
  );
  const refresh = h("button", { type: "button" }, "Refresh");
  const load = async () => {
    msg.clear();
    try {
      const stats = await api.get<Stats>(`/token/${key.id}/stats?window=${windowSelect.value}`);
      const labels = stats.buckets.map((b) => bucketLabel(b.start, stats.bucketSeconds));
      const refusedByOrigin = Object.entries(stats.byOrigin).map(
        ([origin, t]) => [origin, t.refused + t.wouldRefuse] as [string, number],
      );
      replace(
        charts,
        h(
          "p",
          { class: "totals", "data-role": "totals" },
          `Allowed ${stats.totals.allowed} · Refused ${stats.totals.refused}`,
          stats.totals.wouldRefuse ? ` · Would refuse (report-only) ${stats.totals.wouldRefuse}` : "",
        ),
        timeChart(
          labels,
          [
            { name: "allowed", color: "#2e7d32", values: stats.buckets.map((b) => b.allowed) },
            { name: "refused", color: "#c0392b", values: stats.buckets.map((b) => b.refused) },
            { name: "would refuse", color: "#e67e22", values: stats.buckets.map((b) => b.wouldRefuse) },
          ],
          `Call starts, allowed vs refused (${stats.window})`,
        ),
        barChart(Object.entries(stats.byReason), "Refusals by reason"),
        barChart(
          refusedByOrigin.filter(([, n]) => n > 0),
          "Refusals by origin",
          "#8e44ad",
        ),
      );
    } catch (e) {
      msg.error(e);
    }
  };
  windowSelect.addEventListener("change", () => void load());
  refresh.addEventListener("click", () => void load());
  void load();
  return h(
    "div",
    { class: "activity" },
    h("div", { class: "row" }, windowSelect, refresh),
    msg.el,
    charts,
    callsList(key.id),
    auditLog(key.id),
  );
}
