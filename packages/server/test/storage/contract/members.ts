import { describe, expect, it } from "vitest";
import { at, memberRecord, type OpenStore, seedOrg, sessionRecord, T0, useStore } from "./fixtures.ts";

export function membersContract(open: OpenStore): void {
  describe("members", () => {
    const t = useStore(open);

    it("stores a member, found by id in its org and by email from anywhere", async () => {
      await seedOrg(t.store, "org_a");
      const member = memberRecord("org_a", "mem_1", { role: "owner", email: "owner@example.com" });
      await t.store.insertMember(member);
      expect(await t.store.getMember("org_a", "mem_1")).toEqual(member);
      expect(await t.store.findMemberByEmail("owner@example.com")).toEqual(member);
      expect(await t.store.findMemberByEmail("nobody@example.com")).toBeUndefined();
    });

    it("refuses an email already taken, in the same org or another", async () => {
      await seedOrg(t.store, "org_a");
      await seedOrg(t.store, "org_b");
      await t.store.insertMember(memberRecord("org_a", "mem_1", { email: "a@example.com" }));
      await expect(t.store.insertMember(memberRecord("org_a", "mem_2", { email: "a@example.com" }))).rejects.toThrow();
      await expect(t.store.insertMember(memberRecord("org_b", "mem_3", { email: "a@example.com" }))).rejects.toThrow();
      expect(await t.store.countMembers("org_b")).toBe(0);
    });

    it("lists and counts an org's members, oldest first", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertMember(memberRecord("org_a", "mem_2", { createdAt: at(2) }));
      await t.store.insertMember(memberRecord("org_a", "mem_1", { createdAt: at(1) }));
      expect((await t.store.listMembers("org_a")).map((m) => m.id)).toEqual(["mem_1", "mem_2"]);
      expect(await t.store.countMembers("org_a")).toBe(2);
    });

    it("updateMemberRole changes a role in the member's org only", async () => {
      await seedOrg(t.store, "org_a");
      await seedOrg(t.store, "org_b");
      await t.store.insertMember(memberRecord("org_a", "mem_1", { role: "viewer" }));
      expect(await t.store.updateMemberRole("org_a", "mem_1", "admin")).toEqual(
        memberRecord("org_a", "mem_1", { role: "admin" }),
      );
      expect(await t.store.updateMemberRole("org_b", "mem_1", "owner")).toBeUndefined();
      expect(await t.store.updateMemberRole("org_a", "mem_unknown", "owner")).toBeUndefined();
      expect((await t.store.getMember("org_a", "mem_1"))?.role).toBe("admin");
    });

    it("updateMemberRole leaves the org's last owner an owner, and demotes an owner who has company", async () => {
      await seedOrg(t.store, "org_a");
      await seedOrg(t.store, "org_b");
      await t.store.insertMember(memberRecord("org_a", "mem_1", { role: "owner", email: "1@example.com" }));
      // Another org's owner does not count.
      await t.store.insertMember(memberRecord("org_b", "mem_b", { role: "owner", email: "b@example.com" }));
      expect(await t.store.updateMemberRole("org_a", "mem_1", "admin")).toBeUndefined();
      expect(await t.store.updateMemberRole("org_a", "mem_1", "owner")).toBeDefined();
      await t.store.insertMember(memberRecord("org_a", "mem_2", { role: "owner", email: "2@example.com" }));
      expect((await t.store.updateMemberRole("org_a", "mem_1", "viewer"))?.role).toBe("viewer");
      expect(await t.store.updateMemberRole("org_a", "mem_2", "viewer")).toBeUndefined();
      expect((await t.store.listMembers("org_a")).map((m) => m.role)).toEqual(["viewer", "owner"]);
    });

    it("updateMemberPassword replaces the hash in the member's org only", async () => {
      await seedOrg(t.store, "org_a");
      await seedOrg(t.store, "org_b");
      await t.store.insertMember(memberRecord("org_a", "mem_1"));
      expect(await t.store.updateMemberPassword("org_b", "mem_1", "$scrypt$other")).toBe(false);
      expect(await t.store.updateMemberPassword("org_a", "mem_1", "$scrypt$new")).toBe(true);
      expect((await t.store.getMember("org_a", "mem_1"))?.passwordHash).toBe("$scrypt$new");
      expect(await t.store.updateMemberPassword("org_a", "mem_unknown", "$scrypt$new")).toBe(false);
    });

    it("deleteMember keeps the org's last owner, and removes an owner who has company", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertMember(memberRecord("org_a", "mem_1", { role: "owner", email: "1@example.com" }));
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_1"));
      expect(await t.store.deleteMember("org_a", "mem_1")).toBeUndefined();
      expect(await t.store.getMember("org_a", "mem_1")).toBeDefined();
      expect(await t.store.findSession("cookie-hash-of-ses_1")).toBeDefined();
      await t.store.insertMember(memberRecord("org_a", "mem_2", { role: "owner", email: "2@example.com" }));
      expect((await t.store.deleteMember("org_a", "mem_1"))?.id).toBe("mem_1");
      expect(await t.store.findSession("cookie-hash-of-ses_1")).toBeUndefined();
      expect(await t.store.deleteMember("org_a", "mem_2")).toBeUndefined();
      expect(await t.store.countMembers("org_a")).toBe(1);
    });

    it("deletes a member once, and every session of theirs with them", async () => {
      await seedOrg(t.store, "org_a");
      const member = memberRecord("org_a", "mem_1");
      await t.store.insertMember(member);
      await t.store.insertMember(memberRecord("org_a", "mem_2"));
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_1"));
      await t.store.insertSession(sessionRecord("org_a", "mem_2", "ses_2"));
      expect(await t.store.deleteMember("org_a", "mem_1")).toEqual(member);
      expect(await t.store.deleteMember("org_a", "mem_1")).toBeUndefined();
      expect(await t.store.findSession("cookie-hash-of-ses_1")).toBeUndefined();
      expect(await t.store.findSession("cookie-hash-of-ses_2")).toBeDefined();
      expect(await t.store.countMembers("org_a")).toBe(1);
    });
  });

  describe("sessions", () => {
    const t = useStore(open);

    async function seedMember(): Promise<void> {
      await seedOrg(t.store, "org_a");
      await t.store.insertMember(memberRecord("org_a", "mem_1"));
    }

    it("finds a session by the hash of its cookie, with its member", async () => {
      await seedMember();
      const session = sessionRecord("org_a", "mem_1", "ses_1");
      await t.store.insertSession(session);
      expect(await t.store.findSession("cookie-hash-of-ses_1")).toEqual({
        session,
        member: memberRecord("org_a", "mem_1"),
      });
      expect(await t.store.findSession("cookie-hash-unknown")).toBeUndefined();
    });

    it("touchSession moves its last-seen time", async () => {
      await seedMember();
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_1", { lastSeenAtMs: 1_000 }));
      await t.store.touchSession("ses_1", 7_000);
      expect((await t.store.findSession("cookie-hash-of-ses_1"))?.session.lastSeenAtMs).toBe(7_000);
    });

    it("deleteSession ends one session, answering whether it existed", async () => {
      await seedMember();
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_1"));
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_2"));
      expect(await t.store.deleteSession("ses_1")).toBe(true);
      expect(await t.store.deleteSession("ses_1")).toBe(false);
      expect(await t.store.findSession("cookie-hash-of-ses_1")).toBeUndefined();
      expect(await t.store.findSession("cookie-hash-of-ses_2")).toBeDefined();
    });

    it("deleteMemberSessions ends every session of one member, answering how many", async () => {
      await seedMember();
      await t.store.insertMember(memberRecord("org_a", "mem_2"));
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_1"));
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_2"));
      await t.store.insertSession(sessionRecord("org_a", "mem_2", "ses_3"));
      expect(await t.store.deleteMemberSessions("org_a", "mem_1")).toBe(2);
      expect(await t.store.deleteMemberSessions("org_a", "mem_1")).toBe(0);
      expect(await t.store.findSession("cookie-hash-of-ses_3")).toBeDefined();
    });

    it("deleteMemberSessions with an exception keeps that one session", async () => {
      await seedMember();
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_1"));
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_2"));
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_3"));
      expect(await t.store.deleteMemberSessions("org_a", "mem_1", "ses_2")).toBe(2);
      expect(await t.store.findSession("cookie-hash-of-ses_1")).toBeUndefined();
      expect(await t.store.findSession("cookie-hash-of-ses_2")).toBeDefined();
      expect(await t.store.findSession("cookie-hash-of-ses_3")).toBeUndefined();
    });

    it("purgeSessions drops sessions past their end or idle too long, and keeps the rest", async () => {
      await seedMember();
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_ended", { expiresAtMs: 5_000 }));
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_idle", { lastSeenAtMs: 1_999 }));
      await t.store.insertSession(sessionRecord("org_a", "mem_1", "ses_live", { lastSeenAtMs: 2_000 }));
      expect(await t.store.purgeSessions(5_000, 2_000)).toBe(2);
      expect(await t.store.findSession("cookie-hash-of-ses_ended")).toBeUndefined();
      expect(await t.store.findSession("cookie-hash-of-ses_idle")).toBeUndefined();
      expect(await t.store.findSession("cookie-hash-of-ses_live")).toBeDefined();
    });
  });

  describe("setup tokens", () => {
    const t = useStore(open);

    it("spends a token once: its org the first time, undefined after", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertSetupToken({ tokenHash: "setup-1", orgId: "org_a", createdAt: T0, expiresAtMs: 1_000 });
      expect(await t.store.consumeSetupToken("setup-1", 999)).toBe("org_a");
      expect(await t.store.consumeSetupToken("setup-1", 999)).toBeUndefined();
      expect(await t.store.consumeSetupToken("setup-unknown", 999)).toBeUndefined();
    });

    it("an expired token answers undefined, and stays spent", async () => {
      await seedOrg(t.store, "org_a");
      await t.store.insertSetupToken({ tokenHash: "setup-1", orgId: "org_a", createdAt: T0, expiresAtMs: 1_000 });
      expect(await t.store.consumeSetupToken("setup-1", 1_000)).toBeUndefined();
      expect(await t.store.consumeSetupToken("setup-1", 1)).toBeUndefined();
    });

    it("deleteSetupTokens drops one org's tokens only", async () => {
      await seedOrg(t.store, "org_a");
      await seedOrg(t.store, "org_b");
      await t.store.insertSetupToken({ tokenHash: "setup-a", orgId: "org_a", createdAt: T0, expiresAtMs: 1_000 });
      await t.store.insertSetupToken({ tokenHash: "setup-b", orgId: "org_b", createdAt: T0, expiresAtMs: 1_000 });
      await t.store.deleteSetupTokens("org_a");
      expect(await t.store.consumeSetupToken("setup-a", 1)).toBeUndefined();
      expect(await t.store.consumeSetupToken("setup-b", 1)).toBe("org_b");
    });
  });
}
