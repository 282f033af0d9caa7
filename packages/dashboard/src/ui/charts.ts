const NS = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export type Series = { name: string; color: string; values: number[] };

/**
 * Stacked columns over time (allowed vs refused per bucket), drawn as inline SVG.
 * `labels` name each bucket along the x axis (every few are shown).
 */
export function timeChart(labels: string[], series: Series[], title: string): SVGElement {
  const width = 640;
  const height = 214;
  const pad = { left: 36, right: 8, top: 40, bottom: 28 };
  const n = Math.max(labels.length, 1);
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const bw = plotW / n;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title });
  root.appendChild(svg("title", {}, title));
  root.appendChild(svg("text", { x: pad.left, y: 14, class: "chart-title" }, title));
  for (const frac of [0, 0.5, 1]) {
    const y = pad.top + plotH * (1 - frac);
    root.appendChild(svg("line", { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: "grid" }));
    root.appendChild(
      svg("text", { x: pad.left - 4, y: y + 4, "text-anchor": "end", class: "axis" }, String(Math.round(max * frac))),
    );
  }
  labels.forEach((label, i) => {
    let y = pad.top + plotH;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const hgt = (v / max) * plotH;
      y -= hgt;
      const rect = svg("rect", { x: pad.left + i * bw + 1, y, width: Math.max(bw - 2, 1), height: hgt, fill: s.color });
      rect.appendChild(svg("title", {}, `${label}: ${v} ${s.name}`));
      root.appendChild(rect);
    }
    if (i % Math.ceil(n / 8) === 0)
      root.appendChild(
        svg("text", { x: pad.left + i * bw + bw / 2, y: height - 8, "text-anchor": "middle", class: "axis" }, label),
      );
  });
  series.forEach((s, i) => {
    const x = pad.left + 110 * i;
    root.appendChild(svg("rect", { x, y: 20, width: 10, height: 10, fill: s.color }));
    root.appendChild(svg("text", { x: x + 14, y: 29, class: "axis" }, s.name));
  });
  return root;
}

/** Horizontal bars, one per entry, largest first; used for refusals by reason and by origin. */
export function barChart(entries: [string, number][], title: string, color = "#c0392b"): SVGElement {
  const rows = [...entries].sort((a, b) => b[1] - a[1]).slice(0, 12);
  const rowH = 22;
  const labelW = 230;
  const width = 640;
  const height = 28 + Math.max(rows.length, 1) * rowH;
  const max = Math.max(1, ...rows.map(([, v]) => v));
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title });
  root.appendChild(svg("title", {}, title));
  root.appendChild(svg("text", { x: 0, y: 14, class: "chart-title" }, title));
  if (rows.length === 0) root.appendChild(svg("text", { x: 0, y: 40, class: "axis" }, "Nothing in this window."));
  rows.forEach(([label, value], i) => {
    const y = 24 + i * rowH;
    const w = ((width - labelW - 50) * value) / max;
    root.appendChild(
      svg("text", { x: labelW - 6, y: y + 14, "text-anchor": "end", class: "axis" }, label.slice(0, 36)),
    );
    root.appendChild(svg("rect", { x: labelW, y: y + 3, width: Math.max(w, 2), height: rowH - 6, fill: color }));
    root.appendChild(svg("text", { x: labelW + w + 6, y: y + 14, class: "axis" }, String(value)));
  });
  return root;
}
