import { describe, expect, it } from "vitest";
import { at, credentialRecord, type OpenStore, seedOrg, useStore } from "./fixtures.ts";

export function credentialsContract(open: OpenStore): void {
  describe("credentials", () => {
    const t = useStore(open);

    it("stores credentials and lists them newest first", async () => {
      await seedOrg(t.store, "org_a");
      const older = credentialRecord("org_a", "cred_1", { createdAt: at(1) });
      const newer = credentialRecord("org_a", "cred_2", { name: "prod", createdAt: at(2) });
      await t.store.insertCredential(older);
      await t.store.insertCredential(newer);
      expect(await t.store.listCredentials("org_a")).toEqual([newer, older]);
    });

    it("deletes once, answering the deleted credential", async () => {
      await seedOrg(t.store, "org_a");
      const credential = credentialRecord("org_a", "cred_1");
      await t.store.insertCredential(credential);
      expect(await t.store.deleteCredential("org_a", "cred_1")).toEqual(credential);
      expect(await t.store.deleteCredential("org_a", "cred_1")).toBeUndefined();
      expect(await t.store.listCredentials("org_a")).toEqual([]);
    });
  });
}
