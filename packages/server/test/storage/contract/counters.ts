import { describe, expect, it } from "vitest";
import { type OpenStore, useStore } from "./fixtures.ts";

/** Limit counters (concurrent-call slots, spend seconds): see concurrency.ts for the races. */
export function countersContract(open: OpenStore): void {
  describe("counters", () => {
    const t = useStore(open);

    it("a counter never used reads 0", async () => {
      expect(await t.store.readCounter("conc:key:never")).toBe(0);
    });

    it("reserves while the sum stays within the cap, up to the cap exactly", async () => {
      expect(await t.store.reserveCounter("spend:key:k", 2, 5)).toBe(true);
      expect(await t.store.reserveCounter("spend:key:k", 3, 5)).toBe(true);
      expect(await t.store.readCounter("spend:key:k")).toBe(5);
    });

    it("refuses a reservation that would pass the cap, and changes nothing", async () => {
      expect(await t.store.reserveCounter("spend:key:k", 4, 5)).toBe(true);
      expect(await t.store.reserveCounter("spend:key:k", 2, 5)).toBe(false);
      expect(await t.store.readCounter("spend:key:k")).toBe(4);
      expect(await t.store.reserveCounter("spend:key:k", 1, 5)).toBe(true);
    });

    it("refuses a first reservation larger than the cap, and creates no usage", async () => {
      expect(await t.store.reserveCounter("spend:key:k", 6, 5)).toBe(false);
      expect(await t.store.readCounter("spend:key:k")).toBe(0);
    });

    it("holds a lowered cap: a counter already above it takes nothing more", async () => {
      expect(await t.store.reserveCounter("conc:org:o", 3, 3)).toBe(true);
      expect(await t.store.reserveCounter("conc:org:o", 1, 2)).toBe(false);
      expect(await t.store.readCounter("conc:org:o")).toBe(3);
    });

    it("keeps counters apart by scope", async () => {
      expect(await t.store.reserveCounter("conc:key:a", 1, 1)).toBe(true);
      expect(await t.store.reserveCounter("conc:key:b", 1, 1)).toBe(true);
      expect(await t.store.reserveCounter("conc:key:a", 1, 1)).toBe(false);
    });

    it("release gives back part of a reservation, never below zero", async () => {
      await t.store.reserveCounter("spend:key:k", 5, 10);
      await t.store.releaseCounter("spend:key:k", 2);
      expect(await t.store.readCounter("spend:key:k")).toBe(3);
      await t.store.releaseCounter("spend:key:k", 0);
      expect(await t.store.readCounter("spend:key:k")).toBe(3);
      await t.store.releaseCounter("spend:key:k", 7);
      expect(await t.store.readCounter("spend:key:k")).toBe(0);
      await t.store.releaseCounter("spend:key:never", 1);
      expect(await t.store.readCounter("spend:key:never")).toBe(0);
    });

    it("a released amount can be reserved again", async () => {
      await t.store.reserveCounter("conc:key:k", 1, 1);
      await t.store.releaseCounter("conc:key:k", 1);
      expect(await t.store.reserveCounter("conc:key:k", 1, 1)).toBe(true);
    });

    it("setCounter sets an absolute value, creating the counter when missing", async () => {
      await t.store.setCounter("conc:key:k", 4);
      expect(await t.store.readCounter("conc:key:k")).toBe(4);
      await t.store.setCounter("conc:key:k", 1);
      expect(await t.store.readCounter("conc:key:k")).toBe(1);
    });

    it("resetCounters zeroes exactly the scopes that start with the prefix", async () => {
      await t.store.setCounter("conc:key:a", 2);
      await t.store.setCounter("conc:user:a:u", 1);
      await t.store.setCounter("spend:key:a", 30);
      await t.store.setCounter("xconc:key:a", 5);
      await t.store.resetCounters("conc:");
      expect(await t.store.readCounter("conc:key:a")).toBe(0);
      expect(await t.store.readCounter("conc:user:a:u")).toBe(0);
      expect(await t.store.readCounter("spend:key:a")).toBe(30);
      expect(await t.store.readCounter("xconc:key:a")).toBe(5);
    });

    it.each([
      ["an underscore", "conc:key_1:", "conc:keyX1:"],
      ["a percent sign", "conc:100%", "conc:100x"],
      ["a different case", "conc:key:A", "conc:key:a"],
    ])("resetCounters takes its prefix literally (%s)", async (_name, prefix, lookalike) => {
      await t.store.setCounter(`${prefix}x`, 2);
      await t.store.setCounter(`${lookalike}x`, 3);
      await t.store.resetCounters(prefix);
      expect(await t.store.readCounter(`${prefix}x`)).toBe(0);
      expect(await t.store.readCounter(`${lookalike}x`)).toBe(3);
    });
  });
}
