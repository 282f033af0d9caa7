import { describe, expect, it } from "vitest";
import { at, type OpenStore, seedOrg, signingKeyRecord, useStore } from "./fixtures.ts";

export function signingKeysContract(open: OpenStore): void {
  describe("signing keys", () => {
    const t = useStore(open);

    it("stores a JWK and a JWKS URL, lists them newest first, gets each by id", async () => {
      await seedOrg(t.store, "org_a");
      const jwk = signingKeyRecord("org_a", "sk_1", { createdAt: at(1) });
      const jwks = signingKeyRecord("org_a", "sk_2", {
        kind: "jwks",
        kid: null,
        alg: null,
        jwk: null,
        jwksUrl: "https://idp.example.com/.well-known/jwks.json",
        name: "IdP",
        createdAt: at(2),
      });
      await t.store.insertSigningKey(jwk);
      await t.store.insertSigningKey(jwks);
      expect(await t.store.listSigningKeys("org_a")).toEqual([jwks, jwk]);
      expect(await t.store.getSigningKey("org_a", "sk_1")).toEqual(jwk);
      expect(await t.store.getSigningKey("org_a", "sk_missing")).toBeUndefined();
    });

    it("deletes once, answering the deleted key", async () => {
      await seedOrg(t.store, "org_a");
      const key = signingKeyRecord("org_a", "sk_1");
      await t.store.insertSigningKey(key);
      expect(await t.store.deleteSigningKey("org_a", "sk_1")).toEqual(key);
      expect(await t.store.deleteSigningKey("org_a", "sk_1")).toBeUndefined();
      expect(await t.store.listSigningKeys("org_a")).toEqual([]);
    });

    it("refuses a second key with the same kid in one org; another org may use that kid", async () => {
      await seedOrg(t.store, "org_a");
      await seedOrg(t.store, "org_b");
      await t.store.insertSigningKey(signingKeyRecord("org_a", "sk_1", { kid: "main" }));
      await expect(t.store.insertSigningKey(signingKeyRecord("org_a", "sk_2", { kid: "main" }))).rejects.toThrow();
      await t.store.insertSigningKey(signingKeyRecord("org_b", "sk_3", { kid: "main" }));
      expect((await t.store.listSigningKeys("org_a")).map((k) => k.id)).toEqual(["sk_1"]);
    });
  });
}
