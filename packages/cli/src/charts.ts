const LEVELS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/**
 * One character per value, its height relative to `max`: `·` for none, so empty buckets still
 * show where they are, and at least `▁` for any count, so a single refusal is never invisible.
 *
 * @example
 * sparkline([0, 1, 4, 8], 8); // "·▁▄█"
 */
export function sparkline(values: readonly number[], max = Math.max(0, ...values)): string {
  return values
    .map((value) => {
      if (value <= 0 || max <= 0) return "·";
      return LEVELS[Math.min(LEVELS.length - 1, Math.max(0, Math.ceil((value / max) * LEVELS.length) - 1))];
    })
    .join("");
}

/**
 * A horizontal bar `width` cells long at `max`, drawn in eighths of a cell.
 *
 * @example
 * bar(3, 4, 8); // "██████"
 */
export function bar(value: number, max: number, width: number): string {
  if (value <= 0 || max <= 0) return "";
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  return "█".repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? "");
}
