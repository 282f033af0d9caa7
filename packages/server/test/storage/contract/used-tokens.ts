import { describe, expect, it } from "vitest";
import { type OpenStore, useStore } from "./fixtures.ts";

/** Single-use token IDs (`jti`): see concurrency.ts for replays racing each other. */
export function usedTokensContract(open: OpenStore): void {
  describe("used tokens", () => {
    const t = useStore(open);

    it("accepts a jti the first time and refuses every replay", async () => {
      expect(await t.store.consumeTokenId("org_a", "jti-1", 5_000)).toBe(true);
      expect(await t.store.consumeTokenId("org_a", "jti-1", 5_000)).toBe(false);
      expect(await t.store.consumeTokenId("org_a", "jti-1", 9_000)).toBe(false);
      expect(await t.store.consumeTokenId("org_a", "jti-2", 5_000)).toBe(true);
    });

    it("keeps jtis apart per org: one org's token never spends another's", async () => {
      expect(await t.store.consumeTokenId("org_a", "jti-1", 5_000)).toBe(true);
      expect(await t.store.consumeTokenId("org_b", "jti-1", 5_000)).toBe(true);
      expect(await t.store.consumeTokenId("org_b", "jti-1", 5_000)).toBe(false);
    });

    it("purges only the jtis whose tokens have expired, answering how many", async () => {
      await t.store.consumeTokenId("org_a", "old", 1_000);
      await t.store.consumeTokenId("org_a", "edge", 2_000);
      await t.store.consumeTokenId("org_a", "live", 3_000);
      expect(await t.store.purgeUsedTokens(2_000)).toBe(1);
      // Still remembered: replays of these are refused until they expire.
      expect(await t.store.consumeTokenId("org_a", "edge", 2_000)).toBe(false);
      expect(await t.store.consumeTokenId("org_a", "live", 3_000)).toBe(false);
      // Forgotten: the token has expired anyway, so its signature check refuses it.
      expect(await t.store.consumeTokenId("org_a", "old", 1_000)).toBe(true);
    });
  });
}
