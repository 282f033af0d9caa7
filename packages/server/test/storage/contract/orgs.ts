import { describe, expect, it } from "vitest";
import { at, keyRecord, type OpenStore, orgRecord, seedOrg, useStore } from "./fixtures.ts";

export function orgsContract(open: OpenStore): void {
  describe("orgs", () => {
    const t = useStore(open);

    it("creates an org with its first key, and reads both back", async () => {
      const org = orgRecord("org_a", { name: "Acme", settings: { maxConcurrentCalls: 3 } });
      const key = keyRecord("org_a", "key_a");
      await t.store.createOrg(org, key);
      expect(await t.store.getOrg("org_a")).toEqual(org);
      expect(await t.store.getKey("org_a", "key_a")).toEqual(key);
    });

    it("creates nothing when the first key cannot be stored: an org never lacks its key", async () => {
      await seedOrg(t.store, "org_a");
      // The key's id is taken (by org_a's first key): the second statement fails.
      await expect(t.store.createOrg(orgRecord("org_b"), keyRecord("org_b", "key_org_a"))).rejects.toThrow();
      expect(await t.store.getOrg("org_b")).toBeUndefined();
      expect(await t.store.countOrgs()).toBe(1);
    });

    it("refuses a second org with the same id", async () => {
      await seedOrg(t.store, "org_a");
      await expect(t.store.createOrg(orgRecord("org_a"), keyRecord("org_a", "key_other"))).rejects.toThrow();
      expect(await t.store.getKey("org_a", "key_other")).toBeUndefined();
    });

    it("answers undefined for an org that does not exist", async () => {
      expect(await t.store.getOrg("org_missing")).toBeUndefined();
      expect(await t.store.updateOrgSettings("org_missing", { maxTokenTtlSeconds: 60 })).toBeUndefined();
    });

    it("counts and lists orgs, oldest first", async () => {
      expect(await t.store.countOrgs()).toBe(0);
      expect(await t.store.listOrgs()).toEqual([]);
      await seedOrg(t.store, "org_new", { createdAt: at(2) });
      await seedOrg(t.store, "org_old", { createdAt: at(1) });
      expect(await t.store.countOrgs()).toBe(2);
      expect((await t.store.listOrgs()).map((o) => o.id)).toEqual(["org_old", "org_new"]);
    });

    it("replaces an org's settings, touching no other org", async () => {
      await seedOrg(t.store, "org_a", { settings: { maxConcurrentCalls: 3 } });
      await seedOrg(t.store, "org_b", { settings: { maxConcurrentCalls: 5 } });
      const settings = { maxTokenTtlSeconds: 60, spendLimit: { minutes: 10, period: "day" as const } };
      const updated = await t.store.updateOrgSettings("org_a", settings);
      expect(updated).toEqual(orgRecord("org_a", { settings }));
      expect((await t.store.getOrg("org_a"))?.settings).toEqual(settings);
      expect((await t.store.getOrg("org_b"))?.settings).toEqual({ maxConcurrentCalls: 5 });
    });
  });
}
