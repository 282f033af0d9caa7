import { describe, expect, it } from "vitest";
import { at, decisionCount, type OpenStore, useStore } from "./fixtures.ts";

export function decisionCountsContract(open: OpenStore): void {
  describe("decision counts", () => {
    const t = useStore(open);

    it("adds counts per bucket, summing repeats of the same bucket", async () => {
      await t.store.addDecisionCounts([
        decisionCount("org_a", "key_1", { bucket: at(0), count: 2 }),
        decisionCount("org_a", "key_1", { bucket: at(1), count: 3 }),
        decisionCount("org_a", "key_1", { bucket: at(0), count: 4 }),
      ]);
      await t.store.addDecisionCounts([decisionCount("org_a", "key_1", { bucket: at(1), count: 1 })]);
      expect(await t.store.decisionCounts("org_a", "key_1", at(0))).toEqual([
        decisionCount("org_a", "key_1", { bucket: at(0), count: 6 }),
        decisionCount("org_a", "key_1", { bucket: at(1), count: 4 }),
      ]);
    });

    it("keeps outcomes, reasons and origins in separate rows", async () => {
      const rows = [
        decisionCount("org_a", "key_1", { outcome: "allowed", count: 1 }),
        decisionCount("org_a", "key_1", { outcome: "refused", reason: "ORIGIN_NOT_ALLOWED", count: 2 }),
        decisionCount("org_a", "key_1", { outcome: "refused", reason: "CONCURRENCY_LIMIT", count: 3 }),
        decisionCount("org_a", "key_1", { outcome: "would-refuse", reason: "ORIGIN_NOT_ALLOWED", count: 4 }),
        decisionCount("org_a", "key_1", { outcome: "allowed", origin: "https://app.example.com", count: 5 }),
      ];
      await t.store.addDecisionCounts(rows);
      const read = await t.store.decisionCounts("org_a", "key_1", at(0));
      expect(read).toHaveLength(5);
      expect(read).toEqual(expect.arrayContaining(rows));
    });

    it("reads from `since` on (inclusive), in bucket order, for one key only", async () => {
      await t.store.addDecisionCounts([
        decisionCount("org_a", "key_1", { bucket: at(2) }),
        decisionCount("org_a", "key_1", { bucket: at(0) }),
        decisionCount("org_a", "key_1", { bucket: at(1) }),
        decisionCount("org_a", "key_2", { bucket: at(2) }),
      ]);
      expect((await t.store.decisionCounts("org_a", "key_1", at(1))).map((c) => c.bucket)).toEqual([at(1), at(2)]);
    });

    it("accepts an empty batch", async () => {
      await t.store.addDecisionCounts([]);
      expect(await t.store.decisionCounts("org_a", "key_1", at(0))).toEqual([]);
    });
  });
}
