import { describe, expect, it } from "vitest";
import { isGone, type Liveness, reconcileInstances } from "../../src/calls/orphaned-calls.ts";
import { ConfigError, KyselyStore, loadConfig, openSqlite } from "../../src/index.ts";
import type { Reservation } from "../../src/storage/records.ts";
import type { InstanceRecord, Store } from "../../src/storage/store.ts";
import { callRecord, joinFor, seedOrg, T0, useStore } from "../storage/contract/fixtures.ts";

const LEASE = 20_000;
const N0 = Date.parse(T0) + 3_600_000;
const HOLDS: Reservation[] = [
  { kind: "concurrency", scope: "conc:key:k", amount: 1 },
  { kind: "spend", scope: "spend:key:k:day", amount: 600 },
];

const instance = (id: string, host: string, lastSeenMs: number, pid = 4242): InstanceRecord => ({
  id,
  host,
  pid,
  startedAt: T0,
  lastSeenMs,
});
const SELF = instance("inst_self", "host-1", N0, process.pid);
const clockAt = (ms: number) => ({ now: () => ms });

function liveness(nowMs: number, processExists: (pid: number) => boolean = () => true): Liveness {
  return { self: SELF, nowMs, leaseMs: LEASE, processExists };
}

/** A call joined at `startedMs` whose holds are taken, run by `owner` (null: its session has not said so yet). */
async function liveCall(store: Store, id: string, startedMs: number, owner: string | null): Promise<void> {
  await store.insertCall(callRecord("org_a", id, { reservations: HOLDS }), joinFor(id, Number.MAX_SAFE_INTEGER));
  for (const r of HOLDS) expect(await store.reserveCounter(r.scope, r.amount, 10_000)).toBe(true);
  expect((await store.claimCallJoin(id, `join-${id}`, startedMs, new Date(startedMs).toISOString())).ok).toBe(true);
  if (owner) expect(await store.setCallOwner(id, owner)).toBe(true);
}

async function reconcileAt(store: Store, nowMs: number, processExists?: (pid: number) => boolean) {
  return reconcileInstances(store, clockAt(nowMs), SELF, liveness(nowMs, processExists));
}

const counters = async (store: Store) => [
  await store.readCounter("conc:key:k"),
  await store.readCounter("spend:key:k:day"),
];

describe("PORTCULLIS_INSTANCE_LEASE_MS", () => {
  it("defaults to four heartbeats", () => {
    const config = loadConfig({});
    expect([config.instanceHeartbeatMs, config.instanceLeaseMs]).toEqual([5_000, 20_000]);
  });

  it.each([
    [{ PORTCULLIS_INSTANCE_LEASE_MS: "9999" }, /^PORTCULLIS_INSTANCE_LEASE_MS="9999": expected at least twice/],
    [{ PORTCULLIS_INSTANCE_HEARTBEAT_MS: "200", PORTCULLIS_INSTANCE_LEASE_MS: "399" }, /at least twice/],
    [{ PORTCULLIS_INSTANCE_HEARTBEAT_MS: "5" }, /^PORTCULLIS_INSTANCE_HEARTBEAT_MS="5": expected an integer/],
  ])("refuses %o, naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("accepts a lease of exactly two heartbeats", () => {
    expect(
      loadConfig({ PORTCULLIS_INSTANCE_HEARTBEAT_MS: "200", PORTCULLIS_INSTANCE_LEASE_MS: "400" }).instanceLeaseMs,
    ).toBe(400);
  });
});

describe("isGone", () => {
  it.each([
    ["this instance, however late its heartbeat", instance("inst_self", "host-1", 0), false],
    ["another host, within its lease", instance("inst_b", "host-2", N0 - LEASE), false],
    ["another host, past its lease", instance("inst_b", "host-2", N0 - LEASE - 1), true],
    ["this host, its process alive, within its lease", instance("inst_b", "host-1", N0, 1), false],
    ["this host, its process gone", instance("inst_b", "host-1", N0, 4242), true],
    ["this host, its process alive but past its lease (a reused PID)", instance("inst_b", "host-1", 0, 1), true],
    [
      "this host, our own PID under another ID (another server in this process), within its lease",
      instance("inst_b", "host-1", N0, process.pid),
      false,
    ],
  ])("%s → %s", (_name, subject, gone) => {
    expect(
      isGone(
        subject,
        liveness(N0, (pid) => pid !== 4242),
      ),
    ).toBe(gone);
  });
});

describe("reconcileInstances", () => {
  const t = useStore(async () => {
    const store = new KyselyStore(await openSqlite(":memory:"));
    await seedOrg(store, "org_a");
    await store.registerInstance(SELF);
    return { store, close: () => store.close() };
  });

  it("leaves a live instance's call and holds alone; past its lease, ends it as server-shutdown charged to its last heartbeat", async () => {
    await t.store.registerInstance(instance("inst_b", "host-2", N0));
    await liveCall(t.store, "call_b", N0 - 100_000, "inst_b");

    const within = await reconcileAt(t.store, N0 + LEASE);
    expect(within.ended).toEqual([]);
    expect(within.alone).toBe(false);
    expect((await t.store.findCall("call_b"))?.status).toBe("in-progress");
    expect(await counters(t.store)).toEqual([1, 600]);

    const past = await reconcileAt(t.store, N0 + LEASE + 1);
    expect(past.ended.map((c) => [c.id, c.endedReason, c.durationSeconds])).toEqual([
      ["call_b", "server-shutdown", 100],
    ]);
    expect(past.alone).toBe(true);
    // The slot is free; the spend reservation is charged the 100 s the call is known to have run.
    expect(await counters(t.store)).toEqual([0, 100]);
    expect((await t.store.listInstances()).map((i) => i.id)).toEqual(["inst_self"]);
    const audit = await t.store.listAudit("org_a", { limit: 10, event: "call.end" });
    expect(audit.items.map((e) => [e.callId, e.reason])).toEqual([["call_b", "server-shutdown"]]);
    // Settled once: another pass finds nothing to end and gives nothing back again.
    expect((await reconcileAt(t.store, N0 + 2 * LEASE)).ended).toEqual([]);
    expect(await counters(t.store)).toEqual([0, 100]);
  });

  it("never ends this instance's own calls", async () => {
    await liveCall(t.store, "call_self", N0 - 100_000, "inst_self");
    expect((await reconcileAt(t.store, N0 + 10 * LEASE)).ended).toEqual([]);
    expect(await counters(t.store)).toEqual([1, 600]);
  });

  it("leaves a joined call that no session has claimed yet for a lease; then ends it, charging its whole reservation", async () => {
    await liveCall(t.store, "call_n", N0, null);
    expect((await reconcileAt(t.store, N0 + LEASE)).ended).toEqual([]);
    const past = await reconcileAt(t.store, N0 + LEASE + 1);
    expect(past.ended.map((c) => [c.id, c.durationSeconds])).toEqual([["call_n", null]]);
    expect(await counters(t.store)).toEqual([0, 600]);
  });

  it("on this host, ends the calls of an instance whose process has exited at once", async () => {
    await t.store.registerInstance(instance("inst_c", "host-1", N0, 4242));
    await liveCall(t.store, "call_c", N0 - 30_000, "inst_c");
    expect((await reconcileAt(t.store, N0 + 10, () => true)).ended).toEqual([]);
    const ended = await reconcileAt(t.store, N0 + 10, (pid) => pid !== 4242);
    expect(ended.ended.map((c) => [c.id, c.durationSeconds])).toEqual([["call_c", 30]]);
    expect(await counters(t.store)).toEqual([0, 30]);
  });

  it("ends a call whose instance's row is gone, charging its whole reservation", async () => {
    await liveCall(t.store, "call_x", N0 - 30_000, "inst_removed");
    const ended = await reconcileAt(t.store, N0);
    expect(ended.ended.map((c) => [c.id, c.durationSeconds])).toEqual([["call_x", null]]);
    expect(await counters(t.store)).toEqual([0, 600]);
  });

  it("ends a queued call whose join window closed a lease ago (its timer went with its process), giving back its holds", async () => {
    for (const [id, expiresAtMs] of [
      ["call_lost", N0 - LEASE - 1],
      ["call_late", N0 - LEASE],
    ] as const) {
      await t.store.insertCall(callRecord("org_a", id, { reservations: HOLDS }), joinFor(id, expiresAtMs));
      for (const r of HOLDS) await t.store.reserveCounter(r.scope, r.amount, 10_000);
    }
    const { ended } = await reconcileAt(t.store, N0);
    expect(ended.map((c) => [c.id, c.endedReason, c.durationSeconds])).toEqual([["call_lost", "join-timeout", 0]]);
    expect((await t.store.findCall("call_late"))?.status).toBe("queued");
    expect(await counters(t.store)).toEqual([1, 600]);
  });

  it("tells an instance whose row was removed that it was presumed dead, and registers it again", async () => {
    await t.store.removeInstances([SELF.id]);
    expect((await reconcileAt(t.store, N0)).wasPresumedDead).toBe(true);
    expect((await t.store.listInstances()).map((i) => i.id)).toEqual([SELF.id]);
    expect((await reconcileAt(t.store, N0 + 1)).wasPresumedDead).toBe(false);
  });

  it("rebuilds the concurrency counters only when no other instance is live", async () => {
    await t.store.registerInstance(instance("inst_b", "host-2", N0));
    await liveCall(t.store, "call_b", N0, "inst_b");
    // A slot leaked by a crash between the hold and its call's row.
    await t.store.reserveCounter("conc:key:k", 1, 10);
    const rebuild = (nowMs: number) =>
      reconcileInstances(t.store, clockAt(nowMs), SELF, liveness(nowMs), { rebuildIfAlone: true });
    expect((await rebuild(N0 + 1)).alone).toBe(false);
    expect(await t.store.readCounter("conc:key:k")).toBe(2);
    // inst_b gone: its call is ended and the leaked slot dropped with the rebuild.
    expect((await rebuild(N0 + LEASE + 1)).alone).toBe(true);
    expect(await t.store.readCounter("conc:key:k")).toBe(0);
  });
});
