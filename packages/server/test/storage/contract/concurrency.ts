import { describe, expect, it, type TestContext } from "vitest";
import type { Store } from "../../../src/storage/store.ts";
import {
  at,
  callRecord,
  count,
  decisionCount,
  inParallel,
  joinFor,
  type OpenStore,
  seedOrg,
  T0,
  useStore,
} from "./fixtures.ts";

/**
 * Every guarded write raced against itself: many calls at once, exactly as many succeed as the
 * guard allows. With two stores, the racers alternate between two connections to one database, as
 * two processes would: the guard must live in the database, not in one store's memory. (Both
 * connections share this process's thread here; two-processes.test.ts races real processes.)
 */
export function concurrencyContract(open: OpenStore): void {
  describe.each([
    { mode: "one store", stores: 1 },
    { mode: "two stores on one database", stores: 2 },
  ])("concurrency: $mode", ({ stores }) => {
    const t = useStore(open);

    /** The stores to race on; skips the test when the database cannot be shared. */
    async function racers(ctx: TestContext): Promise<(i: number) => Store> {
      if (stores === 1) return () => t.store;
      const { openPeer } = t.opened;
      if (!openPeer) return ctx.skip("this database cannot be shared (SQLite in memory)");
      const peer = await openPeer();
      return (i) => (i % 2 === 0 ? t.store : peer);
    }

    it("reserveCounter: 50 racing for 1 slot each against a cap of 7, exactly 7 win", async (ctx) => {
      const on = await racers(ctx);
      const won = await inParallel(50, (i) => on(i).reserveCounter("conc:key:k", 1, 7));
      expect(count(won, true)).toBe(7);
      expect(await t.store.readCounter("conc:key:k")).toBe(7);
    });

    it("reserveCounter: 30 racing for 60 s each against 250 s, exactly 4 win", async (ctx) => {
      const on = await racers(ctx);
      const won = await inParallel(30, (i) => on(i).reserveCounter("spend:key:k", 60, 250));
      expect(count(won, true)).toBe(4);
      expect(await t.store.readCounter("spend:key:k")).toBe(240);
    });

    it("reserveCounter: uneven amounts never pass the cap, and are refused only when they would", async (ctx) => {
      const on = await racers(ctx);
      const amount = (i: number) => (i % 3) + 1;
      const won = await inParallel(40, (i) => on(i).reserveCounter("spend:user:k:u", amount(i), 20));
      const used = await t.store.readCounter("spend:user:k:u");
      expect(used).toBe(won.reduce((sum, ok, i) => sum + (ok ? amount(i) : 0), 0));
      expect(used).toBeLessThanOrEqual(20);
      // Any refusal came when the amount no longer fitted, so the counter ends within 3 of the cap.
      expect(used).toBeGreaterThan(20 - 3);
    });

    it("releaseCounter: 10 racing releases of 1 from 3 stop at zero and create no room", async (ctx) => {
      const on = await racers(ctx);
      await t.store.setCounter("conc:key:k", 3);
      await inParallel(10, (i) => on(i).releaseCounter("conc:key:k", 1));
      expect(await t.store.readCounter("conc:key:k")).toBe(0);
      const won = await inParallel(10, (i) => on(i).reserveCounter("conc:key:k", 1, 2));
      expect(count(won, true)).toBe(2);
    });

    it("consumeTokenId: 40 racing replays of one jti, exactly 1 accepted", async (ctx) => {
      const on = await racers(ctx);
      const accepted = await inParallel(40, (i) => on(i).consumeTokenId("org_a", "jti-1", 5_000));
      expect(count(accepted, true)).toBe(1);
    });

    it("claimCallJoin: 20 racing joins with the right token, exactly 1 joins", async (ctx) => {
      const on = await racers(ctx);
      await seedOrg(t.store, "org_a");
      await t.store.insertCall(callRecord("org_a", "call_1"), joinFor("call_1", 10_000));
      const claims = await inParallel(20, (i) => on(i).claimCallJoin("call_1", "join-call_1", 1, at(i)));
      expect(claims.filter((c) => c.ok)).toHaveLength(1);
    });

    it("consumeSetupToken: 20 racing uses of one setup link, exactly 1 gets the org", async (ctx) => {
      const on = await racers(ctx);
      await seedOrg(t.store, "org_a");
      await t.store.insertSetupToken({ tokenHash: "setup-1", orgId: "org_a", createdAt: T0, expiresAtMs: 10_000 });
      const orgs = await inParallel(20, (i) => on(i).consumeSetupToken("setup-1", 1));
      expect(count(orgs, "org_a")).toBe(1);
    });

    it("finishCall: 20 racing ends of one call, exactly 1 ends it", async (ctx) => {
      const on = await racers(ctx);
      await seedOrg(t.store, "org_a");
      await t.store.insertCall(callRecord("org_a", "call_1"), joinFor("call_1"));
      const ends = await inParallel(20, (i) =>
        on(i).finishCall("call_1", { endedAt: at(i), endedReason: "customer-ended-call", durationSeconds: i }),
      );
      expect(ends.filter((e) => e !== undefined)).toHaveLength(1);
    });
  });

  // One store only: in one thread, a second connection waiting for the first one's write lock
  // would block the very thread that has to commit it (separate processes have no such problem).
  describe("concurrency: transactional writes", () => {
    const t = useStore(open);

    it("addDecisionCounts: 30 racing adds to one bucket lose no update", async () => {
      await inParallel(30, () => t.store.addDecisionCounts([decisionCount("org_a", "key_1", { count: 1 })]));
      expect(await t.store.decisionCounts("org_a", "key_1", at(0))).toEqual([
        decisionCount("org_a", "key_1", { count: 30 }),
      ]);
    });
  });
}
