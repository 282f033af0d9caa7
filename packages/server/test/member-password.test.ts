import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setMemberPassword } from "../src/index.ts";
import { bearer, body, expectError, type TestApp } from "./helpers.ts";
import {
  addMember,
  as,
  type Browser,
  buildSessionApp,
  OWNER,
  orgWithOwner,
  signIn,
} from "./session/session-helpers.ts";

// What addMember gives every member it adds.
const OLD_PASSWORD = "another long password";
const NEW_PASSWORD = "a password set for them";

describe("POST /member/{id}/password", () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof orgWithOwner>>;
  beforeEach(async () => {
    t = await buildSessionApp();
    org = await orgWithOwner(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const reset = (headers: Record<string, string>, id: string, password: unknown = NEW_PASSWORD) =>
    t.app.inject({ method: "POST", url: `/member/${id}/password`, headers, payload: { password } });
  const emailOf = async (id: string) => (await t.store.getMember(org.orgId, id))?.email as string;
  const signInStatus = async (email: string, password: string) =>
    (await t.app.inject({ method: "POST", url: "/session", payload: { email, password } })).statusCode;
  const auditRows = async () =>
    (await t.store.listAudit(org.orgId, { limit: 10, event: "member.password-reset" })).items;
  /** The old password still signs the member in, the new one does not, and nothing was audited. */
  async function unchanged(member: Browser): Promise<void> {
    const email = await emailOf(member.memberId);
    expect(await signInStatus(email, OLD_PASSWORD)).toBe(200);
    expect(await signInStatus(email, NEW_PASSWORD)).toBe(401);
    expect(await auditRows()).toEqual([]);
  }

  it.each(["admin", "viewer"] as const)(
    "an owner sets a(n) %s's password: the old one is refused, the new one works, every session of theirs ends",
    async (role) => {
      const member = await addMember(t, org.owner, role);
      const email = await emailOf(member.memberId);
      const laptop = await signIn(t, email, OLD_PASSWORD);
      const bystander = await addMember(t, org.owner, "viewer");
      const res = await reset(as(org.owner), member.memberId);
      expect(res.statusCode, res.body).toBe(200);
      expect(body(res)).toEqual({
        id: member.memberId,
        orgId: org.orgId,
        email,
        role,
        createdAt: expect.any(String),
        sessionsEnded: 2,
      });
      for (const ended of [member, laptop])
        expectError(await t.app.inject({ method: "GET", url: "/session", headers: as(ended) }), "SESSION_EXPIRED");
      expectError(
        await t.app.inject({ method: "POST", url: "/session", payload: { email, password: OLD_PASSWORD } }),
        "INVALID_CREDENTIALS",
      );
      expect(await signInStatus(email, NEW_PASSWORD)).toBe(200);
      // The owner and other members stay signed in.
      expect((await t.app.inject({ method: "GET", url: "/session", headers: as(org.owner) })).statusCode).toBe(200);
      expect((await t.app.inject({ method: "GET", url: "/session", headers: as(bystander) })).statusCode).toBe(200);
    },
  );

  it("writes one member.password-reset audit row naming the manager, with no password in it", async () => {
    const viewer = await addMember(t, org.owner, "viewer");
    expect((await reset(as(org.owner), viewer.memberId)).statusCode).toBe(200);
    const rows = await auditRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorKeyId: org.owner.memberId,
      targetId: viewer.memberId,
      ip: expect.any(String),
      details: { sessionsEnded: 1, via: "session" },
    });
    const text = JSON.stringify(rows);
    for (const secret of [NEW_PASSWORD, OLD_PASSWORD, "scrypt"]) expect(text).not.toContain(secret);
  });

  it("an admin sets a viewer's and another admin's password, never an owner's (ROLE_FORBIDDEN)", async () => {
    const admin = await addMember(t, org.owner, "admin");
    const viewer = await addMember(t, org.owner, "viewer");
    const otherAdmin = await addMember(t, org.owner, "admin");
    const secondOwner = await addMember(t, org.owner, "owner");
    for (const owner of [org.owner, secondOwner]) {
      const refused = expectError(await reset(as(admin), owner.memberId), "ROLE_FORBIDDEN");
      expect(refused.message).toMatch(/owner/);
    }
    expect(await signInStatus(OWNER.email, OWNER.password)).toBe(200);
    await unchanged(secondOwner);
    // The owners' sessions were not ended.
    expect((await t.app.inject({ method: "GET", url: "/session", headers: as(secondOwner) })).statusCode).toBe(200);
    for (const target of [viewer, otherAdmin]) expect((await reset(as(admin), target.memberId)).statusCode).toBe(200);
  });

  it("a viewer sets no one's password (ROLE_FORBIDDEN)", async () => {
    const viewer = await addMember(t, org.owner, "viewer");
    const admin = await addMember(t, org.owner, "admin");
    expectError(await reset(as(viewer), admin.memberId), "ROLE_FORBIDDEN");
    await unchanged(admin);
  });

  it("refuses a member's own password, pointing to POST /session/password, and ends no session", async () => {
    const admin = await addMember(t, org.owner, "admin");
    for (const self of [org.owner, admin]) {
      const refused = expectError(await reset(as(self), self.memberId), "VALIDATION_FAILED");
      expect(refused.message).toContain("POST /session/password");
      expect((await t.app.inject({ method: "GET", url: "/session", headers: as(self) })).statusCode).toBe(200);
    }
    expect(await signInStatus(OWNER.email, OWNER.password)).toBe(200);
    await unchanged(admin);
  });

  it("answers another org's member and an unknown ID NOT_FOUND, and changes nothing", async () => {
    const other = await orgWithOwner(t, "Other", { email: "boss@other.example", password: "other long password" });
    const otherViewer = await addMember(t, other.owner, "viewer");
    for (const id of [otherViewer.memberId, other.owner.memberId, "mem_nope"])
      expectError(await reset(as(org.owner), id), "NOT_FOUND");
    expect(await signInStatus("boss@other.example", "other long password")).toBe(200);
    expect(await signInStatus(await emailOfIn(other.orgId, otherViewer.memberId), OLD_PASSWORD)).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/session", headers: as(otherViewer) })).statusCode).toBe(200);
    expect((await t.store.listAudit(other.orgId, { limit: 10, event: "member.password-reset" })).items).toEqual([]);
  });
  const emailOfIn = async (orgId: string, id: string) => (await t.store.getMember(orgId, id))?.email as string;

  it("refuses the org's API key, a missing CSRF token and no session", async () => {
    const viewer = await addMember(t, org.owner, "viewer");
    expectError(await reset(bearer(org.privateKey), viewer.memberId), "ROLE_FORBIDDEN");
    expectError(await reset(as(org.owner, false), viewer.memberId), "CSRF_TOKEN_INVALID");
    expectError(await reset({}, viewer.memberId), "MISSING_CREDENTIAL");
    await unchanged(viewer);
    expect((await t.app.inject({ method: "GET", url: "/session", headers: as(viewer) })).statusCode).toBe(200);
  });

  it.each<[string, unknown, "VALIDATION_FAILED" | "UNKNOWN_FIELD"]>([
    ["too short", "short pwd", "VALIDATION_FAILED"],
    ["too long", "x".repeat(1025), "VALIDATION_FAILED"],
    ["not a string", 1234567890123, "VALIDATION_FAILED"],
    ["missing", undefined, "VALIDATION_FAILED"],
  ])("refuses a password that is %s (400) and changes nothing", async (_name, password, code) => {
    const viewer = await addMember(t, org.owner, "viewer");
    expectError(
      await t.app.inject({
        method: "POST",
        url: `/member/${viewer.memberId}/password`,
        headers: as(org.owner),
        payload: password === undefined ? {} : { password },
      }),
      code,
      "password",
    );
    await unchanged(viewer);
    expect((await t.app.inject({ method: "GET", url: "/session", headers: as(viewer) })).statusCode).toBe(200);
  });

  it("refuses an unknown field", async () => {
    const viewer = await addMember(t, org.owner, "viewer");
    const res = await t.app.inject({
      method: "POST",
      url: `/member/${viewer.memberId}/password`,
      headers: as(org.owner),
      payload: { password: NEW_PASSWORD, currentPassword: "x" },
    });
    expectError(res, "UNKNOWN_FIELD", "currentPassword");
    await unchanged(viewer);
  });
});

describe("setMemberPassword (the operator's path, shared with the CLI)", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildSessionApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it("sets even the last owner's password, ends their sessions, audits via cli with no actor", async () => {
    const org = await orgWithOwner(t);
    const res = await setMemberPassword(t.store, t.clock, org.orgId, org.owner.memberId, NEW_PASSWORD, {
      operator: true,
    });
    expect(res).toMatchObject({ ok: true, sessionsEnded: 1, member: { id: org.owner.memberId } });
    expect(await t.store.getMember(org.orgId, org.owner.memberId)).toMatchObject({ role: "owner" });
    expectError(await t.app.inject({ method: "GET", url: "/session", headers: as(org.owner) }), "SESSION_EXPIRED");
    expect((await signIn(t, OWNER.email, NEW_PASSWORD)).memberId).toBe(org.owner.memberId);
    const rows = (await t.store.listAudit(org.orgId, { limit: 10, event: "member.password-reset" })).items;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorKeyId: null,
      targetId: org.owner.memberId,
      ip: null,
      details: { sessionsEnded: 1, via: "cli" },
    });
  });

  it.each([
    ["9 characters", "123456789"],
    ["1025 characters", "x".repeat(1025)],
    ["9 code points in more UTF-16 units", "🔑".repeat(9)],
  ])("refuses a password of %s and changes nothing", async (_name, password) => {
    const org = await orgWithOwner(t);
    expect(
      await setMemberPassword(t.store, t.clock, org.orgId, org.owner.memberId, password, { operator: true }),
    ).toEqual({ ok: false, code: "VALIDATION_FAILED", problem: "password-length" });
    expect((await t.app.inject({ method: "GET", url: "/session", headers: as(org.owner) })).statusCode).toBe(200);
  });

  it("accepts 10 code points, however many UTF-16 units they take", async () => {
    const org = await orgWithOwner(t);
    const password = "🔑".repeat(10);
    expect(
      (await setMemberPassword(t.store, t.clock, org.orgId, org.owner.memberId, password, { operator: true })).ok,
    ).toBe(true);
    expect((await signIn(t, OWNER.email, password)).memberId).toBe(org.owner.memberId);
  });

  it("answers NOT_FOUND for a member of another org", async () => {
    const org = await orgWithOwner(t);
    const other = await orgWithOwner(t, "Other", { email: "boss@other.example", password: "other long password" });
    expect(
      await setMemberPassword(t.store, t.clock, org.orgId, other.owner.memberId, NEW_PASSWORD, { operator: true }),
    ).toEqual({ ok: false, code: "NOT_FOUND" });
  });
});
