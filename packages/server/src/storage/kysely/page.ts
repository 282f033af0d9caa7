import type { Page } from "../records.ts";

/** Cursors are opaque to clients: base64url of the last row's sequence number. */
function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString("base64url");
}

/** The sequence number in a cursor, or `undefined` for no cursor. Bad cursors are refused earlier. */
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  return /^s\d{1,15}$/.test(text) ? Number(text.slice(1)) : undefined;
}

/**
 * A page from rows read newest first (`order by seq desc`) with one row beyond `limit`: that
 * extra row, when there is one, says a next page exists; its cursor is the last kept row's `seq`.
 */
export function toPage<R extends { seq: number }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : undefined,
  };
}
