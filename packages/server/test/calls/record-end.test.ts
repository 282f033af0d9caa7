import { describe, expect, it } from "vitest";
import { recordCallEnd } from "../../src/calls/record-end.ts";
import { KyselyStore, openSqlite } from "../../src/index.ts";
import type { Reservation } from "../../src/storage/records.ts";
import type { Store } from "../../src/storage/store.ts";
import { at, callRecord, joinFor, seedOrg } from "../storage/contract/fixtures.ts";

const HOLDS: Reservation[] = [
  { kind: "concurrency", scope: "conc:key:k", amount: 1 },
  { kind: "spend", scope: "spend:key:k:day", amount: 600 },
];
const clock = { now: () => Date.parse(at(10)) };
const END = { endedAt: at(10), endedReason: "customer-ended-call" as const, durationSeconds: 41.2 };

async function storeWithLiveCall(): Promise<Store> {
  const store = new KyselyStore(await openSqlite(":memory:"));
  await seedOrg(store, "org_a");
  await store.insertCall(callRecord("org_a", "call_1", { reservations: HOLDS }), joinFor("call_1"));
  for (const r of HOLDS) await store.reserveCounter(r.scope, r.amount, 10_000);
  await store.claimCallJoin("call_1", "join-call_1", 1, at(1));
  return store;
}

const held = async (store: Store) => [
  await store.readCounter("conc:key:k"),
  await store.readCounter("spend:key:k:day"),
];

describe("recordCallEnd", () => {
  it("ends the call, audits it and settles its holds once: the slot freed, the spend charged its duration rounded up", async () => {
    const store = await storeWithLiveCall();
    expect((await recordCallEnd(store, clock, "call_1", END))?.status).toBe("ended");
    expect(await held(store)).toEqual([0, 42]);
    expect(await recordCallEnd(store, clock, "call_1", END)).toBeUndefined();
    expect(await held(store)).toEqual([0, 42]);
    const audit = await store.listAudit("org_a", { limit: 10, event: "call.end" });
    expect(audit.items.map((e) => e.callId)).toEqual(["call_1"]);
    await store.close();
  });

  it("commits the end and the settlement together: when settling fails, the call is not ended either", async () => {
    const store = await storeWithLiveCall();
    // A store whose transactions fail at the settlement, as a crash between the two writes would.
    const failing: Store = Object.assign(Object.create(store) as Store, {
      transaction: <T>(fn: (tx: Store) => Promise<T>) =>
        store.transaction((tx) =>
          fn(
            Object.assign(Object.create(tx) as Store, {
              releaseCounter: async () => {
                throw new Error("crash");
              },
            }),
          ),
        ),
    });
    await expect(recordCallEnd(failing, clock, "call_1", END)).rejects.toThrow("crash");
    expect((await store.findCall("call_1"))?.status).toBe("in-progress");
    expect((await store.listAudit("org_a", { limit: 10, event: "call.end" })).items).toEqual([]);
    expect(await held(store)).toEqual([1, 600]);
    // Ended later, it is settled then, once.
    await recordCallEnd(store, clock, "call_1", END);
    expect(await held(store)).toEqual([0, 42]);
    await store.close();
  });
});
