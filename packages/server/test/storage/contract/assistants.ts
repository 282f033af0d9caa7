import { describe, expect, it } from "vitest";
import { assistantRecord, at, type OpenStore, seedOrg, useStore } from "./fixtures.ts";

export function assistantsContract(open: OpenStore): void {
  describe("assistants", () => {
    const t = useStore(open);

    it("stores an assistant and reads its config back as saved", async () => {
      await seedOrg(t.store, "org_a");
      const config = { name: "Support", model: { provider: "openai", messages: [{ role: "system", content: "Hi" }] } };
      const assistant = assistantRecord("org_a", "asst_1", { config });
      await t.store.insertAssistant(assistant);
      expect(await t.store.getAssistant("org_a", "asst_1")).toEqual(assistant);
      expect(await t.store.assistantExists("org_a", "asst_1")).toBe(true);
      expect(await t.store.assistantExists("org_a", "asst_missing")).toBe(false);
    });

    it("replaces the config and the update time, keeping the creation time", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertAssistant(assistantRecord("org_a", "asst_1"));
      const updated = await t.store.updateAssistant("org_a", "asst_1", { name: "New" }, at(1));
      expect(updated).toEqual(assistantRecord("org_a", "asst_1", { config: { name: "New" }, updatedAt: at(1) }));
      expect(await t.store.getAssistant("org_a", "asst_1")).toEqual(updated);
      expect(await t.store.updateAssistant("org_a", "asst_missing", {}, at(1))).toBeUndefined();
    });

    it("deletes once, answering the deleted assistant", async () => {
      await seedOrg(t.store, "org_a");
      const assistant = assistantRecord("org_a", "asst_1");
      await t.store.insertAssistant(assistant);
      expect(await t.store.deleteAssistant("org_a", "asst_1")).toEqual(assistant);
      expect(await t.store.deleteAssistant("org_a", "asst_1")).toBeUndefined();
      expect(await t.store.getAssistant("org_a", "asst_1")).toBeUndefined();
      expect((await t.store.listAssistants("org_a", { limit: 10 })).items).toEqual([]);
    });

    it("refuses a second assistant with the same id", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertAssistant(assistantRecord("org_a", "asst_1"));
      await expect(t.store.insertAssistant(assistantRecord("org_a", "asst_1"))).rejects.toThrow();
    });
  });
}
