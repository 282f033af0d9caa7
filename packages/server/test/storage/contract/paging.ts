import { describe, expect, it } from "vitest";
import type { PageQuery } from "../../../src/storage/records.ts";
import type { Store } from "../../../src/storage/store.ts";
import { assistantRecord, at, auditEvent, callRecord, joinFor, type OpenStore, seedOrg, useStore } from "./fixtures.ts";

/** A resource listed in pages, newest first: how to add its i-th row and how to list them. */
type Paged = {
  resource: string;
  add(store: Store, orgId: string, i: number): Promise<void>;
  remove?(store: Store, orgId: string, i: number): Promise<void>;
  list(store: Store, orgId: string, page: PageQuery): Promise<{ items: { id: string }[]; nextCursor?: string }>;
};

const PAGED: Paged[] = [
  {
    resource: "assistants",
    add: (store, orgId, i) => store.insertAssistant(assistantRecord(orgId, `asst_${orgId}_${i}`)),
    remove: async (store, orgId, i) => void (await store.deleteAssistant(orgId, `asst_${orgId}_${i}`)),
    list: (store, orgId, page) => store.listAssistants(orgId, page),
  },
  {
    resource: "calls",
    add: (store, orgId, i) => store.insertCall(callRecord(orgId, `call_${orgId}_${i}`), joinFor(`${orgId}_${i}`)),
    list: (store, orgId, page) => store.listCalls(orgId, page),
  },
  {
    resource: "audit events",
    // Every event at the same instant: the order comes from insertion, not from the clock.
    add: (store, orgId, i) => store.appendAudit(auditEvent(orgId, `aud_${orgId}_${i}`, { at: at(0) })),
    list: (store, orgId, page) => store.listAudit(orgId, page),
  },
];

/** Every id, page after page, following nextCursor until there is none. */
async function readAll(p: Paged, store: Store, orgId: string, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await p.list(store, orgId, { limit, cursor });
    pages.push(page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor !== undefined && pages.length < 50);
  return pages;
}

function ids(p: Paged, orgId: string, ...indexes: number[]): string[] {
  const prefix = { assistants: "asst", calls: "call", "audit events": "aud" }[p.resource];
  return indexes.map((i) => `${prefix}_${orgId}_${i}`);
}

export function pagingContract(open: OpenStore): void {
  describe.each(PAGED)("paging $resource", (p) => {
    const t = useStore(open);

    async function seed(count: number, orgId = "org_a"): Promise<void> {
      if (!(await t.store.getOrg(orgId))) await seedOrg(t.store, orgId);
      for (let i = 0; i < count; i++) await p.add(t.store, orgId, i);
    }

    it("pages newest first, each row exactly once, with no cursor after the last page", async () => {
      await seed(5);
      expect(await readAll(p, t.store, "org_a", 2)).toEqual([
        ids(p, "org_a", 4, 3),
        ids(p, "org_a", 2, 1),
        ids(p, "org_a", 0),
      ]);
    });

    it("gives no cursor when the rows fill the last page exactly (no empty page follows)", async () => {
      await seed(4);
      expect(await readAll(p, t.store, "org_a", 2)).toEqual([ids(p, "org_a", 3, 2), ids(p, "org_a", 1, 0)]);
      expect(await p.list(t.store, "org_a", { limit: 10 })).toEqual(expect.objectContaining({ nextCursor: undefined }));
    });

    it("an empty list is one empty page", async () => {
      await seed(0);
      expect(await p.list(t.store, "org_a", { limit: 10 })).toEqual({ items: [], nextCursor: undefined });
    });

    it("stays stable while rows are added between pages: nothing repeated, nothing skipped", async () => {
      await seed(4);
      const first = await p.list(t.store, "org_a", { limit: 2 });
      expect(first.items.map((i) => i.id)).toEqual(ids(p, "org_a", 3, 2));
      await p.add(t.store, "org_a", 4);
      await p.add(t.store, "org_a", 5);
      const second = await p.list(t.store, "org_a", { limit: 2, cursor: first.nextCursor });
      expect(second.items.map((i) => i.id)).toEqual(ids(p, "org_a", 1, 0));
      expect(second.nextCursor).toBeUndefined();
    });

    if (p.remove)
      it("stays stable while rows are removed between pages", async () => {
        await seed(5);
        const first = await p.list(t.store, "org_a", { limit: 2 });
        await p.remove?.(t.store, "org_a", 4); // already seen
        await p.remove?.(t.store, "org_a", 2); // not seen yet
        const rest = await p.list(t.store, "org_a", { limit: 10, cursor: first.nextCursor });
        expect(rest.items.map((i) => i.id)).toEqual(ids(p, "org_a", 1, 0));
      });

    it("a cursor from one org's list never reaches into another org's rows", async () => {
      await seedOrg(t.store, "org_a");
      await seedOrg(t.store, "org_b");
      // Interleaved, so one org's cursor falls between the other org's rows.
      for (let i = 0; i < 3; i++) {
        await p.add(t.store, "org_a", i);
        await p.add(t.store, "org_b", i);
      }
      const first = await p.list(t.store, "org_a", { limit: 1 });
      const other = await p.list(t.store, "org_b", { limit: 10, cursor: first.nextCursor });
      expect(ids(p, "org_b", 2, 1, 0)).toEqual(expect.arrayContaining(other.items.map((i) => i.id)));
      expect(await readAll(p, t.store, "org_b", 2)).toEqual([ids(p, "org_b", 2, 1), ids(p, "org_b", 0)]);
    });
  });
}
