import { describe, expect, it } from "vitest";
import { at, keyRecord, type OpenStore, seedOrg, useStore } from "./fixtures.ts";

const ROTATION = {
  hash: "hash-new",
  displayPrefix: "sk_live_wxyz",
  encryptedValue: "ciphertext-new",
  previousExpiresAt: at(60),
  updatedAt: at(1),
};

export function keysContract(open: OpenStore): void {
  describe("keys", () => {
    const t = useStore(open);

    it("stores a key and finds it by the hash of its value", async () => {
      await seedOrg(t.store, "org_a");
      const key = keyRecord("org_a", "key_pub", { tag: "public", name: null });
      await t.store.insertKey(key);
      expect(await t.store.getKey("org_a", "key_pub")).toEqual(key);
      expect(await t.store.findKeyByHash(key.hash)).toEqual(key);
      expect(await t.store.findKeyByHash("hash-unknown")).toBeUndefined();
    });

    it("refuses a second key with the same hash", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertKey(keyRecord("org_a", "key_1", { hash: "same" }));
      await expect(t.store.insertKey(keyRecord("org_a", "key_2", { hash: "same" }))).rejects.toThrow();
    });

    it("lists an org's keys that are not revoked, newest first", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertKey(keyRecord("org_a", "key_2", { createdAt: at(2) }));
      await t.store.insertKey(keyRecord("org_a", "key_1", { createdAt: at(1), tag: "public" }));
      await t.store.insertKey(keyRecord("org_a", "key_3", { createdAt: at(3) }));
      await t.store.revokeKey("org_a", "key_3", at(4));
      expect((await t.store.listKeys("org_a")).map((k) => k.id)).toEqual(["key_2", "key_1", "key_org_a"]);
    });

    it("lists as HS256 secrets only the private keys that are not revoked", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertKey(keyRecord("org_a", "key_pub", { tag: "public" }));
      await t.store.insertKey(keyRecord("org_a", "key_priv", { createdAt: at(1) }));
      await t.store.insertKey(keyRecord("org_a", "key_gone", { createdAt: at(2) }));
      await t.store.revokeKey("org_a", "key_gone", at(3));
      expect((await t.store.listPrivateKeys("org_a")).map((k) => k.id)).toEqual(["key_priv", "key_org_a"]);
    });

    it("updates a key's name and restrictions", async () => {
      await seedOrg(t.store, "org_a");
      const restrictions = {
        enabled: true,
        allowTransientAssistant: true,
        allowedOverrides: [],
        mode: "report-only" as const,
        allowedOrigins: ["https://app.example.com"],
        maxConcurrentCalls: 2,
      };
      const updated = await t.store.updateKey("org_a", "key_org_a", {
        name: "renamed",
        restrictions,
        updatedAt: at(1),
      });
      expect(updated).toMatchObject({ name: "renamed", restrictions, updatedAt: at(1) });
      expect(await t.store.getKey("org_a", "key_org_a")).toEqual(updated);
    });

    describe("rotation", () => {
      it("replaces the value and keeps the old one findable until previousExpiresAt", async () => {
        await seedOrg(t.store, "org_a");
        const before = keyRecord("org_a", "key_org_a");
        const rotated = await t.store.rotateKey("org_a", "key_org_a", ROTATION);
        const expected = {
          ...before,
          hash: "hash-new",
          displayPrefix: "sk_live_wxyz",
          encryptedValue: "ciphertext-new",
          updatedAt: at(1),
          previousHash: before.hash,
          previousEncryptedValue: before.encryptedValue,
          previousExpiresAt: at(60),
        };
        expect(rotated).toEqual(expected);
        expect(await t.store.findKeyByHash("hash-new")).toEqual(expected);
        // The caller compares previousExpiresAt with its clock: the store still finds the old value.
        expect(await t.store.findKeyByHash(before.hash)).toEqual(expected);
      });

      it("a second rotation moves the first rotation's value to previous; the original is gone", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.rotateKey("org_a", "key_org_a", ROTATION);
        const again = { ...ROTATION, hash: "hash-newer", encryptedValue: "ciphertext-newer", updatedAt: at(2) };
        const rotated = await t.store.rotateKey("org_a", "key_org_a", again);
        expect(rotated).toMatchObject({ hash: "hash-newer", previousHash: "hash-new" });
        expect(rotated?.previousEncryptedValue).toBe("ciphertext-new");
        expect(await t.store.findKeyByHash(keyRecord("org_a", "key_org_a").hash)).toBeUndefined();
        expect((await t.store.findKeyByHash("hash-new"))?.id).toBe("key_org_a");
      });

      it("answers undefined for a key that is missing, revoked, or of another org", async () => {
        await seedOrg(t.store, "org_a");
        await seedOrg(t.store, "org_b");
        await t.store.insertKey(keyRecord("org_a", "key_gone"));
        await t.store.revokeKey("org_a", "key_gone", at(1));
        expect(await t.store.rotateKey("org_a", "key_missing", ROTATION)).toBeUndefined();
        expect(await t.store.rotateKey("org_a", "key_gone", ROTATION)).toBeUndefined();
        expect(await t.store.rotateKey("org_b", "key_org_a", ROTATION)).toBeUndefined();
        expect(await t.store.findKeyByHash("hash-new")).toBeUndefined();
      });
    });

    describe("revocation", () => {
      it("hides a revoked key from getKey and the lists, but findKeyByHash still tells it apart", async () => {
        await seedOrg(t.store, "org_a");
        const revoked = await t.store.revokeKey("org_a", "key_org_a", at(5));
        expect(revoked).toMatchObject({ id: "key_org_a", revokedAt: at(5), updatedAt: at(5) });
        expect(await t.store.getKey("org_a", "key_org_a")).toBeUndefined();
        expect(await t.store.listKeys("org_a")).toEqual([]);
        expect(await t.store.listPrivateKeys("org_a")).toEqual([]);
        expect((await t.store.findKeyByHash("hash-of-key_org_a"))?.revokedAt).toBe(at(5));
      });

      it("revokes once: the second revocation and any update answer undefined", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.revokeKey("org_a", "key_org_a", at(5));
        expect(await t.store.revokeKey("org_a", "key_org_a", at(6))).toBeUndefined();
        const patch = { name: "x", restrictions: keyRecord("org_a", "x").restrictions, updatedAt: at(7) };
        expect(await t.store.updateKey("org_a", "key_org_a", patch)).toBeUndefined();
        expect((await t.store.findKeyByHash("hash-of-key_org_a"))?.revokedAt).toBe(at(5));
      });
    });

    describe("last used", () => {
      it("touchKeys records when each key was last used", async () => {
        await seedOrg(t.store, "org_a");
        await seedOrg(t.store, "org_b");
        await t.store.touchKeys(new Map([["key_org_a", at(1)]]));
        await t.store.touchKeys(
          new Map([
            ["key_org_a", at(2)],
            ["key_org_b", at(3)],
          ]),
        );
        expect((await t.store.getKey("org_a", "key_org_a"))?.lastUsedAt).toBe(at(2));
        expect((await t.store.getKey("org_b", "key_org_b"))?.lastUsedAt).toBe(at(3));
      });

      it("touchKeys accepts an empty batch and a key that no longer exists", async () => {
        await seedOrg(t.store, "org_a");
        await t.store.touchKeys(new Map());
        await t.store.touchKeys(
          new Map([
            ["key_missing", at(1)],
            ["key_org_a", at(2)],
          ]),
        );
        expect((await t.store.getKey("org_a", "key_org_a"))?.lastUsedAt).toBe(at(2));
      });
    });
  });
}
