import { describe, expect, it } from "vitest";
import type { CallEnd } from "../../../src/storage/store.ts";
import { at, callRecord, joinFor, type OpenStore, seedOrg, useStore } from "./fixtures.ts";

const ENDED: CallEnd = { endedAt: at(10), endedReason: "customer-ended-call", durationSeconds: 42 };

export function callsContract(open: OpenStore): void {
  describe("calls", () => {
    const t = useStore(open);

    it("stores a call with every field and reads it back unchanged", async () => {
      await seedOrg(t.store, "org_a");
      const call = callRecord("org_a", "call_1", {
        assistantId: "asst_1",
        assistant: { name: "inline" },
        assistantOverrides: { firstMessage: "Hello" },
        metadata: { ticket: 7 },
        userId: "user-1",
        durationLimitedBy: "spend-limit",
        maxDurationSeconds: 120,
        reservations: [
          { kind: "concurrency", scope: "conc:key:key_org_a", amount: 1 },
          { kind: "spend", scope: "spend:key:key_org_a:2026-01-01", amount: 120 },
        ],
      });
      await t.store.insertCall(call, joinFor("call_1"));
      expect(await t.store.getCall("org_a", "call_1")).toEqual(call);
      expect(await t.store.findCall("call_1")).toEqual(call);
      expect(await t.store.findCall("call_missing")).toBeUndefined();
    });

    it("lists queued calls with when their join expires, and open calls (queued or in progress)", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertCall(callRecord("org_a", "call_q"), joinFor("call_q", 5_000));
      await t.store.insertCall(callRecord("org_a", "call_live"), joinFor("call_live"));
      await t.store.insertCall(callRecord("org_a", "call_done"), joinFor("call_done"));
      await t.store.claimCallJoin("call_live", "join-call_live", 1, at(1));
      await t.store.finishCall("call_done", ENDED);
      const queued = await t.store.listQueuedCalls();
      expect(queued.map((c) => [c.id, c.joinExpiresAtMs])).toEqual([["call_q", 5_000]]);
      expect((await t.store.listOpenCalls()).map((c) => c.id).sort()).toEqual(["call_live", "call_q"]);
    });

    it("filters the list by assistant", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertCall(callRecord("org_a", "call_1", { assistantId: "asst_1" }), joinFor("call_1"));
      await t.store.insertCall(callRecord("org_a", "call_2", { assistantId: "asst_2" }), joinFor("call_2"));
      await t.store.insertCall(callRecord("org_a", "call_3", { assistantId: "asst_1" }), joinFor("call_3"));
      const page = await t.store.listCalls("org_a", { limit: 10, assistantId: "asst_1" });
      expect(page.items.map((c) => c.id)).toEqual(["call_3", "call_1"]);
      const first = await t.store.listCalls("org_a", { limit: 1, assistantId: "asst_1" });
      const next = await t.store.listCalls("org_a", { limit: 1, assistantId: "asst_1", cursor: first.nextCursor });
      expect(next.items.map((c) => c.id)).toEqual(["call_1"]);
      expect(next.nextCursor).toBeUndefined();
    });

    it("filters the list by key, alone or with an assistant, within the org", async () => {
      await seedOrg(t.store, "org_a");
      await seedOrg(t.store, "org_b");
      const call = (id: string, keyId: string, assistantId: string | null = null) =>
        t.store.insertCall(callRecord("org_a", id, { keyId, assistantId }), joinFor(id));
      await call("call_1", "key_1", "asst_1");
      await call("call_2", "key_2", "asst_1");
      await call("call_3", "key_1");
      await call("call_4", "key_1", "asst_1");
      const byKey = await t.store.listCalls("org_a", { limit: 10, keyId: "key_1" });
      expect(byKey.items.map((c) => c.id)).toEqual(["call_4", "call_3", "call_1"]);
      const both = await t.store.listCalls("org_a", { limit: 10, keyId: "key_1", assistantId: "asst_1" });
      expect(both.items.map((c) => c.id)).toEqual(["call_4", "call_1"]);
      const first = await t.store.listCalls("org_a", { limit: 2, keyId: "key_1" });
      const next = await t.store.listCalls("org_a", { limit: 2, keyId: "key_1", cursor: first.nextCursor });
      expect(next.items.map((c) => c.id)).toEqual(["call_1"]);
      expect((await t.store.listCalls("org_b", { limit: 10, keyId: "key_1" })).items).toEqual([]);
    });

    describe("joining", () => {
      it("the right token before expiry moves the call to in-progress, once", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.insertCall(callRecord("org_a", "call_1"), joinFor("call_1", 1_000));
        const claim = await t.store.claimCallJoin("call_1", "join-call_1", 999, at(1));
        expect(claim).toEqual({
          ok: true,
          call: callRecord("org_a", "call_1", { status: "in-progress", startedAt: at(1), updatedAt: at(1) }),
        });
        expect((await t.store.claimCallJoin("call_1", "join-call_1", 999, at(2))).ok).toBe(false);
        expect((await t.store.getCall("org_a", "call_1"))?.startedAt).toBe(at(1));
        expect(await t.store.listQueuedCalls()).toEqual([]);
      });

      it("a wrong token is invalid; the right one at or after expiry is expired", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.insertCall(callRecord("org_a", "call_1"), joinFor("call_1", 1_000));
        expect(await t.store.claimCallJoin("call_1", "join-wrong", 1, at(1))).toEqual({ ok: false, reason: "invalid" });
        expect(await t.store.claimCallJoin("call_missing", "join-call_1", 1, at(1))).toEqual({
          ok: false,
          reason: "invalid",
        });
        expect(await t.store.claimCallJoin("call_1", "join-call_1", 1_000, at(1))).toEqual({
          ok: false,
          reason: "expired",
        });
        expect((await t.store.getCall("org_a", "call_1"))?.status).toBe("queued");
      });

      it("a call ended by its join timeout tells a late join expired, and cannot be joined", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.insertCall(callRecord("org_a", "call_1"), joinFor("call_1", 1_000));
        await t.store.finishCall("call_1", { endedAt: at(1), endedReason: "join-timeout", durationSeconds: null });
        expect(await t.store.claimCallJoin("call_1", "join-call_1", 1, at(2))).toEqual({
          ok: false,
          reason: "expired",
        });
        expect((await t.store.getCall("org_a", "call_1"))?.status).toBe("ended");
      });
    });

    describe("ending", () => {
      it("finishCall ends a call once, with its transcript; the second end answers undefined", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.insertCall(callRecord("org_a", "call_1"), joinFor("call_1"));
        await t.store.claimCallJoin("call_1", "join-call_1", 1, at(1));
        const messages = [{ role: "user" as const, content: "hi", time: at(2) }];
        const ended = await t.store.finishCall("call_1", { ...ENDED, messages });
        expect(ended).toMatchObject({
          status: "ended",
          endedAt: at(10),
          updatedAt: at(10),
          endedReason: "customer-ended-call",
          durationSeconds: 42,
          startedAt: at(1),
          messages,
        });
        const again = await t.store.finishCall("call_1", {
          endedAt: at(11),
          endedReason: "max-duration",
          durationSeconds: 1,
        });
        expect(again).toBeUndefined();
        expect(await t.store.getCall("org_a", "call_1")).toEqual(ended);
      });

      it("finishCall without messages keeps the transcript empty", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.insertCall(callRecord("org_a", "call_1"), joinFor("call_1"));
        expect((await t.store.finishCall("call_1", ENDED))?.messages).toEqual([]);
      });

      it("an ended call cannot be joined, even with its token before expiry", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.insertCall(callRecord("org_a", "call_1"), joinFor("call_1", 1_000));
        await t.store.finishCall("call_1", { ...ENDED, endedReason: "ended-via-api" });
        expect((await t.store.claimCallJoin("call_1", "join-call_1", 1, at(2))).ok).toBe(false);
      });

      it("finishCall `from` a status ends the call only while it has that status", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.insertCall(callRecord("org_a", "call_1"), joinFor("call_1", 1_000));
        await t.store.claimCallJoin("call_1", "join-call_1", 1, at(1));
        const timeout: CallEnd = { ...ENDED, endedReason: "join-timeout", durationSeconds: 0 };
        expect(await t.store.finishCall("call_1", timeout, "queued")).toBeUndefined();
        expect((await t.store.getCall("org_a", "call_1"))?.status).toBe("in-progress");
        expect((await t.store.finishCall("call_1", ENDED, "in-progress"))?.endedReason).toBe("customer-ended-call");
        expect(await t.store.finishCall("call_1", ENDED, "in-progress")).toBeUndefined();
      });

      it("lists calls in progress (of every org) with the instance that runs each, set only while in progress", async () => {
        await seedOrg(t.store, "org_a");
        await seedOrg(t.store, "org_b");
        await t.store.insertCall(callRecord("org_a", "call_a"), joinFor("call_a"));
        await t.store.insertCall(callRecord("org_b", "call_b"), joinFor("call_b"));
        await t.store.insertCall(callRecord("org_a", "call_q"), joinFor("call_q"));
        await t.store.claimCallJoin("call_a", "join-call_a", 1, at(1));
        await t.store.claimCallJoin("call_b", "join-call_b", 1, at(1));
        expect(await t.store.setCallOwner("call_a", "inst_1")).toBe(true);
        expect(await t.store.setCallOwner("call_q", "inst_1")).toBe(false);
        const live = await t.store.listInProgressCalls();
        expect(live.map((l) => [l.call.id, l.call.status, l.instanceId]).sort()).toEqual([
          ["call_a", "in-progress", "inst_1"],
          ["call_b", "in-progress", null],
        ]);
        await t.store.finishCall("call_a", ENDED);
        expect(await t.store.setCallOwner("call_a", "inst_2")).toBe(false);
        expect((await t.store.listInProgressCalls()).map((l) => l.call.id)).toEqual(["call_b"]);
      });
    });
  });
}
