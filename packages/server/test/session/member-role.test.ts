import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, body, expectError, type TestApp } from "../helpers.ts";
import { addMember, as, type Browser, buildSessionApp, orgWithOwner } from "./session-helpers.ts";

describe("PATCH /member/{id}", () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof orgWithOwner>>;
  beforeEach(async () => {
    t = await buildSessionApp();
    org = await orgWithOwner(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const patch = (by: Browser | Record<string, string>, id: string, role: unknown) =>
    t.app.inject({
      method: "PATCH",
      url: `/member/${id}`,
      headers: "cookie" in by && "csrfToken" in by ? as(by as Browser) : (by as Record<string, string>),
      payload: { role },
    });
  const roleOf = async (id: string) => (await t.store.getMember(org.orgId, id))?.role;

  it("an owner changes a viewer into an admin; their open session has the new role at once, audited", async () => {
    const viewer = await addMember(t, org.owner, "viewer");
    const denied = await t.app.inject({
      method: "POST",
      url: "/token",
      headers: as(viewer),
      payload: { tag: "public" },
    });
    expectError(denied, "ROLE_FORBIDDEN");
    const res = await patch(org.owner, viewer.memberId, "admin");
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res)).toMatchObject({ id: viewer.memberId, role: "admin" });
    expect(res.body).not.toContain("scrypt");
    const key = await t.app.inject({ method: "POST", url: "/token", headers: as(viewer), payload: { tag: "public" } });
    expect(key.statusCode, key.body).toBe(201);
    const audit = await t.store.listAudit(org.orgId, { limit: 10, event: "member.update" });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      actorKeyId: org.owner.memberId,
      targetId: viewer.memberId,
      details: { role: "admin", previousRole: "viewer" },
    });
  });

  it("the same role again changes nothing and audits nothing", async () => {
    const admin = await addMember(t, org.owner, "admin");
    const res = await patch(org.owner, admin.memberId, "admin");
    expect(res.statusCode).toBe(200);
    expect((await t.store.listAudit(org.orgId, { limit: 10, event: "member.update" })).items).toEqual([]);
  });

  it("a viewer cannot promote themselves", async () => {
    const viewer = await addMember(t, org.owner, "viewer");
    for (const role of ["admin", "owner"]) expectError(await patch(viewer, viewer.memberId, role), "ROLE_FORBIDDEN");
    expect(await roleOf(viewer.memberId)).toBe("viewer");
  });

  it("an admin cannot make an owner (themselves or anyone) nor change an owner, but changes non-owners", async () => {
    const admin = await addMember(t, org.owner, "admin");
    const viewer = await addMember(t, org.owner, "viewer");
    expectError(await patch(admin, admin.memberId, "owner"), "ROLE_FORBIDDEN");
    expectError(await patch(admin, viewer.memberId, "owner"), "ROLE_FORBIDDEN");
    expectError(await patch(admin, org.owner.memberId, "viewer"), "ROLE_FORBIDDEN");
    expect([await roleOf(admin.memberId), await roleOf(viewer.memberId), await roleOf(org.owner.memberId)]).toEqual([
      "admin",
      "viewer",
      "owner",
    ]);
    expect((await patch(admin, viewer.memberId, "admin")).statusCode).toBe(200);
    expect(await roleOf(viewer.memberId)).toBe("admin");
  });

  it("the last owner cannot be demoted nor removed (LAST_OWNER); with a second owner they can", async () => {
    for (const role of ["admin", "viewer"]) expectError(await patch(org.owner, org.owner.memberId, role), "LAST_OWNER");
    expectError(
      await t.app.inject({ method: "DELETE", url: `/member/${org.owner.memberId}`, headers: as(org.owner) }),
      "LAST_OWNER",
    );
    expect(await roleOf(org.owner.memberId)).toBe("owner");
    const admin = await addMember(t, org.owner, "admin");
    expect((await patch(org.owner, admin.memberId, "owner")).statusCode).toBe(200);
    const demoted = await patch(org.owner, org.owner.memberId, "viewer");
    expect(demoted.statusCode, demoted.body).toBe(200);
    expectError(await patch(admin, admin.memberId, "admin"), "LAST_OWNER");
  });

  it("two owners demoting each other at once: exactly one succeeds, the org keeps an owner", async () => {
    const second = await addMember(t, org.owner, "owner");
    const results = await Promise.all([
      patch(org.owner, second.memberId, "admin"),
      patch(second, org.owner.memberId, "admin"),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const owners = (await t.store.listMembers(org.orgId)).filter((m) => m.role === "owner");
    expect(owners).toHaveLength(1);
  });

  it("two owners removing each other at once: exactly one is removed, the org keeps an owner", async () => {
    const second = await addMember(t, org.owner, "owner");
    const results = await Promise.all([
      t.app.inject({ method: "DELETE", url: `/member/${second.memberId}`, headers: as(org.owner) }),
      t.app.inject({ method: "DELETE", url: `/member/${org.owner.memberId}`, headers: as(second) }),
    ]);
    const codes = results.map((r) => r.statusCode);
    // The loser is refused LAST_OWNER, or finds its own session already ended with its member.
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    const owners = (await t.store.listMembers(org.orgId)).filter((m) => m.role === "owner");
    expect(owners).toHaveLength(1);
  });

  it("another org's member, or an unknown ID, is NOT_FOUND and unchanged", async () => {
    const other = await orgWithOwner(t, "Other", { email: "boss@other.example", password: "other long password" });
    const otherViewer = await addMember(t, other.owner, "viewer");
    expectError(await patch(org.owner, otherViewer.memberId, "owner"), "NOT_FOUND");
    expectError(await patch(org.owner, other.owner.memberId, "viewer"), "NOT_FOUND");
    expectError(await patch(org.owner, "mem_nope", "viewer"), "NOT_FOUND");
    expect((await t.store.getMember(other.orgId, otherViewer.memberId))?.role).toBe("viewer");
    expect((await t.store.getMember(other.orgId, other.owner.memberId))?.role).toBe("owner");
  });

  it("refuses a role that is not one, an API key, a missing CSRF token and no session", async () => {
    const viewer = await addMember(t, org.owner, "viewer");
    expectError(await patch(org.owner, viewer.memberId, "superuser"), "VALIDATION_FAILED", "role");
    expectError(await patch(bearer(org.privateKey), viewer.memberId, "admin"), "ROLE_FORBIDDEN");
    expectError(await patch(as(org.owner, false), viewer.memberId, "admin"), "CSRF_TOKEN_INVALID");
    expectError(await patch({}, viewer.memberId, "admin"), "MISSING_CREDENTIAL");
    expect(await roleOf(viewer.memberId)).toBe("viewer");
  });
});
