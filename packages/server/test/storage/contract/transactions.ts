import { describe, expect, it } from "vitest";
import type { Store } from "../../../src/storage/store.ts";
import {
  assistantRecord,
  at,
  auditEvent,
  decisionCount,
  keyRecord,
  memberRecord,
  type OpenStore,
  orgRecord,
  seedOrg,
  sessionRecord,
  useStore,
} from "./fixtures.ts";

const ROLLBACK = new Error("rollback on purpose");

/** Runs `fn` in a transaction that then throws: resolves once the rollback is done. */
async function rolledBack(store: Store, fn: (tx: Store) => Promise<unknown>): Promise<void> {
  await expect(
    store.transaction(async (tx) => {
      await fn(tx);
      throw ROLLBACK;
    }),
  ).rejects.toBe(ROLLBACK);
}

const ROTATION = {
  hash: "hash-new",
  displayPrefix: "p",
  encryptedValue: "e",
  previousExpiresAt: null,
  updatedAt: at(1),
};

export function transactionsContract(open: OpenStore): void {
  describe("transactions", () => {
    const t = useStore(open);

    it("commits every write when the function resolves, and answers its value", async () => {
      await seedOrg(t.store, "org_a");
      const answer = await t.store.transaction(async (tx) => {
        await tx.insertAssistant(assistantRecord("org_a", "asst_1"));
        await tx.appendAudit(auditEvent("org_a", "aud_1", { event: "assistant.create" }));
        return "done";
      });
      expect(answer).toBe("done");
      expect(await t.store.getAssistant("org_a", "asst_1")).toBeDefined();
      expect((await t.store.listAudit("org_a", { limit: 10 })).items).toHaveLength(1);
    });

    it("reads inside a transaction see its own writes", async () => {
      await seedOrg(t.store, "org_a");
      const seen = await t.store.transaction(async (tx) => {
        await tx.insertAssistant(assistantRecord("org_a", "asst_1"));
        await tx.reserveCounter("conc:key:k", 2, 5);
        return [await tx.assistantExists("org_a", "asst_1"), await tx.readCounter("conc:key:k")];
      });
      expect(seen).toEqual([true, 2]);
    });

    it("a throw leaves nothing written, whatever the resource, and the error reaches the caller", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertMember(memberRecord("org_a", "mem_1"));
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_1"));
      await rolledBack(t.store, async (tx) => {
        await tx.insertAssistant(assistantRecord("org_a", "asst_1"));
        await tx.appendAudit(auditEvent("org_a", "aud_1"));
        await tx.insertKey(keyRecord("org_a", "key_2"));
        await tx.rotateKey("org_a", "key_org_a", ROTATION);
        await tx.updateOrgSettings("org_a", { maxConcurrentCalls: 9 });
        expect(await tx.reserveCounter("conc:key:k", 1, 1)).toBe(true);
        expect(await tx.consumeTokenId("org_a", "jti-1", 5_000)).toBe(true);
        await tx.addDecisionCounts([decisionCount("org_a", "key_org_a", { count: 5 })]);
        await tx.deleteMember("org_a", "mem_1");
      });
      expect(await t.store.getAssistant("org_a", "asst_1")).toBeUndefined();
      expect((await t.store.listAudit("org_a", { limit: 10 })).items).toEqual([]);
      expect(await t.store.getKey("org_a", "key_2")).toBeUndefined();
      expect((await t.store.getKey("org_a", "key_org_a"))?.hash).toBe("hash-of-key_org_a");
      expect(await t.store.findKeyByHash("hash-new")).toBeUndefined();
      expect((await t.store.getOrg("org_a"))?.settings).toEqual({});
      expect(await t.store.readCounter("conc:key:k")).toBe(0);
      expect(await t.store.consumeTokenId("org_a", "jti-1", 5_000)).toBe(true);
      expect(await t.store.decisionCounts("org_a", "key_org_a", at(0))).toEqual([]);
      expect(await t.store.getMember("org_a", "mem_1")).toBeDefined();
      expect(await t.store.findSession("cookie-hash-of-ses_1")).toBeDefined();
    });

    it("a refused statement inside a transaction rolls back the writes before it", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertAssistant(assistantRecord("org_a", "asst_taken"));
      await expect(
        t.store.transaction(async (tx) => {
          await tx.insertAssistant(assistantRecord("org_a", "asst_1"));
          await tx.insertAssistant(assistantRecord("org_a", "asst_taken"));
        }),
      ).rejects.toThrow();
      expect(await t.store.getAssistant("org_a", "asst_1")).toBeUndefined();
    });

    it("a transaction inside a transaction joins it: the outer throw undoes the inner writes", async () => {
      await seedOrg(t.store, "org_a");
      await rolledBack(t.store, async (tx) => {
        await tx.transaction((inner) => inner.insertAssistant(assistantRecord("org_a", "asst_1")));
        expect(await tx.assistantExists("org_a", "asst_1")).toBe(true);
      });
      expect(await t.store.assistantExists("org_a", "asst_1")).toBe(false);
    });

    // Methods that write several statements run them atomically themselves; inside a caller's
    // transaction they must join it, not fail for want of a nested transaction.
    describe("multi-statement writes inside a caller's transaction", () => {
      it("createOrg joins the transaction and commits with it", async () => {
        await t.store.transaction((tx) => tx.createOrg(orgRecord("org_a"), keyRecord("org_a", "key_a")));
        expect(await t.store.getOrg("org_a")).toEqual(orgRecord("org_a"));
        expect(await t.store.getKey("org_a", "key_a")).toBeDefined();
      });

      it("createOrg rolls back with the transaction", async () => {
        await rolledBack(t.store, (tx) => tx.createOrg(orgRecord("org_a"), keyRecord("org_a", "key_a")));
        expect(await t.store.getOrg("org_a")).toBeUndefined();
        expect(await t.store.findKeyByHash("hash-of-key_a")).toBeUndefined();
      });

      it("touchKeys joins the transaction and commits with it", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.transaction((tx) => tx.touchKeys(new Map([["key_org_a", at(3)]])));
        expect((await t.store.getKey("org_a", "key_org_a"))?.lastUsedAt).toBe(at(3));
      });

      it("touchKeys rolls back with the transaction", async () => {
        await seedOrg(t.store, "org_a");
        await rolledBack(t.store, (tx) => tx.touchKeys(new Map([["key_org_a", at(3)]])));
        expect((await t.store.getKey("org_a", "key_org_a"))?.lastUsedAt).toBeNull();
      });

      it("rotateKey, deleteMember and addDecisionCounts commit with the transaction", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.insertMember(memberRecord("org_a", "mem_1"));
        await t.store.transaction(async (tx) => {
          await tx.rotateKey("org_a", "key_org_a", ROTATION);
          await tx.deleteMember("org_a", "mem_1");
          await tx.addDecisionCounts([decisionCount("org_a", "key_org_a", { count: 2 })]);
        });
        expect((await t.store.getKey("org_a", "key_org_a"))?.hash).toBe("hash-new");
        expect(await t.store.getMember("org_a", "mem_1")).toBeUndefined();
        expect((await t.store.decisionCounts("org_a", "key_org_a", at(0)))[0]?.count).toBe(2);
      });
    });

    it("another connection does not see a transaction's writes before it commits", async (ctx) => {
      const { openPeer } = t.opened;
      if (!openPeer) return ctx.skip("this database cannot be shared (SQLite in memory)");
      const peer = await openPeer();
      await seedOrg(t.store, "org_a");
      await t.store.transaction(async (tx) => {
        await tx.insertAssistant(assistantRecord("org_a", "asst_1"));
        expect(await peer.assistantExists("org_a", "asst_1")).toBe(false);
      });
      expect(await peer.assistantExists("org_a", "asst_1")).toBe(true);
    });
  });
}
