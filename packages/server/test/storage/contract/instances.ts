import { describe, expect, it } from "vitest";
import type { InstanceRecord } from "../../../src/storage/store.ts";
import { type OpenStore, useStore } from "./fixtures.ts";

const instance = (id: string, lastSeenMs: number): InstanceRecord => ({
  id,
  host: "host-1",
  pid: 100,
  startedAt: "2026-01-01T00:00:00.000Z",
  lastSeenMs,
});

/** Server processes sharing the database: their heartbeat rows. */
export function instancesContract(open: OpenStore): void {
  describe("instances", () => {
    const t = useStore(open);

    it("registers instances and reads them back with every field", async () => {
      await t.store.registerInstance(instance("inst_a", 1_000));
      await t.store.registerInstance({ ...instance("inst_b", 2_000), host: "host-2", pid: 7 });
      const all = await t.store.listInstances();
      expect(all.sort((x, y) => x.id.localeCompare(y.id))).toEqual([
        instance("inst_a", 1_000),
        { ...instance("inst_b", 2_000), host: "host-2", pid: 7 },
      ]);
    });

    it("touchInstance renews a heartbeat; registering again renews it too, keeping the row", async () => {
      await t.store.registerInstance(instance("inst_a", 1_000));
      expect(await t.store.touchInstance("inst_a", 5_000)).toBe(true);
      expect((await t.store.listInstances())[0]?.lastSeenMs).toBe(5_000);
      await t.store.registerInstance({ ...instance("inst_a", 6_000), pid: 999 });
      expect(await t.store.listInstances()).toEqual([instance("inst_a", 6_000)]);
    });

    it("touchInstance answers false once the row is removed (another process judged it gone)", async () => {
      await t.store.registerInstance(instance("inst_a", 1_000));
      await t.store.registerInstance(instance("inst_b", 1_000));
      await t.store.removeInstances(["inst_a"]);
      await t.store.removeInstances([]);
      expect(await t.store.touchInstance("inst_a", 2_000)).toBe(false);
      expect(await t.store.touchInstance("inst_b", 2_000)).toBe(true);
      expect((await t.store.listInstances()).map((i) => i.id)).toEqual(["inst_b"]);
    });
  });
}
