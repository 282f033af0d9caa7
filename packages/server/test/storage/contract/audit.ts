import { describe, expect, it } from "vitest";
import type { AuditQuery } from "../../../src/storage/records.ts";
import { at, auditEvent, type OpenStore, seedOrg, useStore } from "./fixtures.ts";

export function auditContract(open: OpenStore): void {
  describe("audit", () => {
    const t = useStore(open);

    /** Six events over six minutes: token.create / call.deny alternating, denials by two keys. */
    async function seedEvents(): Promise<void> {
      await seedOrg(t.store, "org_a");
      for (let i = 0; i < 6; i++) {
        const deny = i % 2 === 1;
        await t.store.appendAudit(
          auditEvent("org_a", `aud_${i}`, {
            at: at(i),
            event: deny ? "call.deny" : "token.create",
            keyId: deny ? (i === 5 ? "key_2" : "key_1") : null,
            reason: deny ? (i === 3 ? "ORIGIN_NOT_ALLOWED" : "CONCURRENCY_LIMIT") : null,
          }),
        );
      }
    }

    async function idsFor(query: Omit<AuditQuery, "limit">): Promise<string[]> {
      return (await t.store.listAudit("org_a", { limit: 50, ...query })).items.map((e) => e.id);
    }

    it("stores every field of an event, details included", async () => {
      await seedOrg(t.store, "org_a");
      const event = auditEvent("org_a", "aud_1", {
        event: "call.deny",
        actorKeyId: "key_org_a",
        keyId: "key_org_a",
        targetId: "call_1",
        reason: "ORIGIN_NOT_ALLOWED",
        origin: "https://evil.example",
        ip: "203.0.113.9",
        userId: "user-1",
        assistantId: "asst_1",
        callId: "call_1",
        details: { rule: ["https://app.example.com"], n: 2 },
      });
      await t.store.appendAudit(event);
      expect(await t.store.listAudit("org_a", { limit: 10 })).toEqual({ items: [event], nextCursor: undefined });
    });

    it.each<[string, Omit<AuditQuery, "limit">, number[]]>([
      ["no filter, newest first", {}, [5, 4, 3, 2, 1, 0]],
      ["by event", { event: "call.deny" }, [5, 3, 1]],
      ["by key", { keyId: "key_1" }, [3, 1]],
      ["by reason", { reason: "ORIGIN_NOT_ALLOWED" }, [3]],
      ["from, inclusive", { from: at(4) }, [5, 4]],
      ["to, exclusive", { to: at(2) }, [1, 0]],
      ["a window", { from: at(1), to: at(4) }, [3, 2, 1]],
      ["every filter at once", { event: "call.deny", keyId: "key_1", reason: "CONCURRENCY_LIMIT", to: at(3) }, [1]],
      ["an event nothing matches", { event: "token.revoke" }, []],
    ])("filters %s", async (_name, query, expected) => {
      await seedEvents();
      expect(await idsFor(query)).toEqual(expected.map((i) => `aud_${i}`));
    });

    it("keeps its filters across pages", async () => {
      await seedEvents();
      const first = await t.store.listAudit("org_a", { limit: 2, event: "call.deny" });
      expect(first.items.map((e) => e.id)).toEqual(["aud_5", "aud_3"]);
      const second = await t.store.listAudit("org_a", { limit: 2, event: "call.deny", cursor: first.nextCursor });
      expect(second).toEqual({ items: [expect.objectContaining({ id: "aud_1" })], nextCursor: undefined });
    });

    it("refuses a second event with the same id", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.appendAudit(auditEvent("org_a", "aud_1"));
      await expect(t.store.appendAudit(auditEvent("org_a", "aud_1"))).rejects.toThrow();
    });
  });
}
