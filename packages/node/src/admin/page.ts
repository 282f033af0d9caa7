import type { Answer, Route } from "./transport.ts";

/** One page of a list, newest first. */
export type Page<T> = {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
};

/** Paging options of every paginated list. */
export type PageOptions = {
  /** 1–1000; default 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
};

/** A page from a list answer: the body is the items, the `x-next-cursor` header the cursor. */
export function pageOf<R extends Route>(answer: Answer<R>): Page<Answer<R>["data"] extends (infer T)[] ? T : never> {
  return {
    items: answer.data as never,
    nextCursor: answer.headers.get("x-next-cursor") || null,
  };
}

/** Every item of a paginated list, fetching pages as the loop asks for them. */
export async function* everyItem<T, O extends PageOptions>(
  list: (options: O) => Promise<Page<T>>,
  options: O,
): AsyncGenerator<T, void, undefined> {
  let cursor = options.cursor;
  do {
    const page = await list({ ...options, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** The API takes the page size as text; callers pass a number. */
export function pageQuery(options: PageOptions): { limit?: string; cursor?: string } {
  return {
    ...(options.limit !== undefined && { limit: String(options.limit) }),
    ...(options.cursor !== undefined && { cursor: options.cursor }),
  };
}
