import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, body, createPublicKey, expectError, type Json, type TestApp } from "../helpers.ts";
import { addMember, as, buildSessionApp, OWNER, orgWithOwner, signIn } from "./session-helpers.ts";

const HOUR = 60 * 60 * 1000;
const flipFirst = (value: string) => (value.startsWith("A") ? "B" : "A") + value.slice(1);

describe("a session on private routes", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildSessionApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it("reads the org's keys with the cookie alone", async () => {
    const org = await orgWithOwner(t);
    const key = await createPublicKey(t, org.privateKey);
    const res = await t.app.inject({ method: "GET", url: "/token", headers: as(org.owner, false) });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as Json[]).map((k) => k.id)).toContain(key.id);
  });

  it("needs the session's CSRF token for a change; a bearer key needs none", async () => {
    const org = await orgWithOwner(t);
    const payload = { tag: "public", name: "From the dashboard" };
    const without = await t.app.inject({ method: "POST", url: "/token", headers: as(org.owner, false), payload });
    expectError(without, "CSRF_TOKEN_INVALID");
    const wrong = await t.app.inject({
      method: "POST",
      url: "/token",
      // Same length, one character changed.
      headers: { cookie: org.owner.cookie, "x-csrf-token": flipFirst(org.owner.csrfToken) },
      payload,
    });
    expectError(wrong, "CSRF_TOKEN_INVALID");
    expect(await t.store.listKeys(org.orgId)).toHaveLength(1);
    const ok = await t.app.inject({ method: "POST", url: "/token", headers: as(org.owner), payload });
    expect(ok.statusCode, ok.body).toBe(201);
    const withKey = await t.app.inject({ method: "POST", url: "/token", headers: bearer(org.privateKey), payload });
    expect(withKey.statusCode).toBe(201);
  });

  it("another session's CSRF token does not do", async () => {
    const org = await orgWithOwner(t);
    const other = await signIn(t, OWNER.email, OWNER.password);
    const res = await t.app.inject({
      method: "POST",
      url: "/token",
      headers: { cookie: org.owner.cookie, "x-csrf-token": other.csrfToken },
      payload: { tag: "public" },
    });
    expectError(res, "CSRF_TOKEN_INVALID");
  });

  it("an Authorization header wins over the cookie", async () => {
    const org = await orgWithOwner(t);
    const key = await createPublicKey(t, org.privateKey);
    const res = await t.app.inject({
      method: "GET",
      url: "/token",
      headers: { ...as(org.owner), ...bearer(key.value) },
    });
    expectError(res, "PUBLIC_KEY_NOT_ALLOWED_HERE");
  });

  it("audits a change with the member who made it", async () => {
    const org = await orgWithOwner(t);
    const res = await t.app.inject({
      method: "POST",
      url: "/token",
      headers: as(org.owner),
      payload: { tag: "public", name: "Audited" },
    });
    expect(res.statusCode).toBe(201);
    const audit = await t.app.inject({ method: "GET", url: "/audit?event=token.create", headers: as(org.owner) });
    const [event] = audit.json() as Json[];
    expect(event).toMatchObject({ event: "token.create", actorKeyId: org.owner.memberId, keyId: body(res).id });
  });

  it("never shows another org's resources to its session", async () => {
    const a = await orgWithOwner(t, "Org A");
    const b = await orgWithOwner(t, "Org B", { email: "b@example.com", password: "org b password" });
    const key = await createPublicKey(t, a.privateKey);
    expectError(await t.app.inject({ method: "GET", url: `/token/${key.id}`, headers: as(b.owner) }), "NOT_FOUND");
    const del = await t.app.inject({ method: "DELETE", url: `/token/${key.id}`, headers: as(b.owner) });
    expectError(del, "NOT_FOUND");
    const list = await t.app.inject({ method: "GET", url: "/token", headers: as(b.owner) });
    expect(list.body).not.toContain(key.id);
    expectError(
      await t.app.inject({ method: "DELETE", url: `/member/${a.owner.memberId}/sessions`, headers: as(b.owner) }),
      "NOT_FOUND",
    );
    const still = await t.app.inject({ method: "GET", url: `/token/${key.id}`, headers: as(a.owner) });
    expect(still.statusCode).toBe(200);
  });

  it("sends no CORS allow headers", async () => {
    const org = await orgWithOwner(t);
    const res = await t.app.inject({
      method: "GET",
      url: "/token",
      headers: { ...as(org.owner), origin: "https://evil.example" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });
});

describe("the end of a session", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildSessionApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it("DELETE /session signs out that session only, and needs the CSRF token", async () => {
    const org = await orgWithOwner(t);
    const other = await signIn(t, OWNER.email, OWNER.password);
    expectError(
      await t.app.inject({ method: "DELETE", url: "/session", headers: as(org.owner, false) }),
      "CSRF_TOKEN_INVALID",
    );
    const out = await t.app.inject({ method: "DELETE", url: "/session", headers: as(org.owner) });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers["set-cookie"])).toMatch(/^pc_session=;/);
    expectError(await t.app.inject({ method: "GET", url: "/token", headers: as(org.owner) }), "SESSION_EXPIRED");
    expectError(await t.app.inject({ method: "GET", url: "/session", headers: as(org.owner) }), "SESSION_EXPIRED");
    expect((await t.app.inject({ method: "GET", url: "/token", headers: as(other) })).statusCode).toBe(200);
  });

  it("DELETE /member/{id}/sessions ends every session of the member", async () => {
    const org = await orgWithOwner(t);
    const admin = await addMember(t, org.owner, "admin", "admin@example.com");
    const admin2 = await signIn(t, "admin@example.com", "another long password");
    const res = await t.app.inject({
      method: "DELETE",
      url: `/member/${admin.memberId}/sessions`,
      headers: as(org.owner),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res)).toEqual({ revoked: 2 });
    for (const browser of [admin, admin2])
      expectError(await t.app.inject({ method: "GET", url: "/token", headers: as(browser) }), "SESSION_EXPIRED");
    expect((await t.app.inject({ method: "GET", url: "/token", headers: as(org.owner) })).statusCode).toBe(200);
  });

  it("removing a member ends their sessions", async () => {
    const org = await orgWithOwner(t);
    const viewer = await addMember(t, org.owner, "viewer");
    const res = await t.app.inject({ method: "DELETE", url: `/member/${viewer.memberId}`, headers: as(org.owner) });
    expect(res.statusCode, res.body).toBe(200);
    expectError(await t.app.inject({ method: "GET", url: "/token", headers: as(viewer) }), "SESSION_EXPIRED");
  });

  it("ends after 12 hours idle", async () => {
    const org = await orgWithOwner(t);
    t.clock.advance(11 * HOUR);
    expect((await t.app.inject({ method: "GET", url: "/token", headers: as(org.owner) })).statusCode).toBe(200);
    t.clock.advance(11 * HOUR);
    expect((await t.app.inject({ method: "GET", url: "/token", headers: as(org.owner) })).statusCode).toBe(200);
    t.clock.advance(12 * HOUR);
    const res = await t.app.inject({ method: "GET", url: "/token", headers: as(org.owner) });
    expectError(res, "SESSION_EXPIRED");
    expect(String(res.headers["set-cookie"])).toMatch(/^pc_session=;/);
  });

  it("ends 7 days after sign-in however active", async () => {
    const org = await orgWithOwner(t);
    for (let elapsed = 0; elapsed + 10 * HOUR < 7 * 24 * HOUR; elapsed += 10 * HOUR) {
      t.clock.advance(10 * HOUR);
      expect((await t.app.inject({ method: "GET", url: "/session", headers: as(org.owner) })).statusCode).toBe(200);
    }
    t.clock.advance(10 * HOUR);
    expectError(await t.app.inject({ method: "GET", url: "/session", headers: as(org.owner) }), "SESSION_EXPIRED");
  });
});
