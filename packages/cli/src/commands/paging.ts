import type { Command } from "commander";
import type { ApiClient } from "../http-client.ts";
import { positiveInteger, type RemoteOptions } from "../options.ts";
import { note } from "../output.ts";

export type PageOptions = RemoteOptions & { limit?: number; cursor?: string; all?: boolean };

/** Options of list commands whose route pages with `limit`, `cursor` and the x-next-cursor header. */
export function withPaging(command: Command): Command {
  return command
    .option("--limit <n>", "how many per page, 1 to 1000 (server default 100)", positiveInteger)
    .option("--cursor <cursor>", "continue from where a previous page ended")
    .option("--all", "fetch every page");
}

/** One page, or every page with --all; when more remain, says how to get them (on stderr). */
export async function fetchPages<T>(
  client: ApiClient,
  path: string,
  options: PageOptions,
  query: Record<string, string> = {},
): Promise<T[]> {
  const items: T[] = [];
  let cursor = options.cursor;
  for (;;) {
    const params = new URLSearchParams(query);
    if (options.limit !== undefined) params.set("limit", String(options.limit));
    if (cursor) params.set("cursor", cursor);
    const search = params.size > 0 ? `?${params}` : "";
    const page = await client.get<T[]>(`${path}${search}`);
    items.push(...page.data);
    cursor = page.nextCursor;
    if (!cursor) return items;
    if (!options.all) {
      note(`More on the next page: --cursor ${cursor} (or --all).`);
      return items;
    }
  }
}
