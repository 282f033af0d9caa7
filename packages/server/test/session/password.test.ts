import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, body, expectError, type TestApp } from "../helpers.ts";
import { addMember, as, type Browser, buildSessionApp, OWNER, orgWithOwner, signIn } from "./session-helpers.ts";

const NEW_PASSWORD = "a brand new passphrase";

describe("POST /session/password", () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof orgWithOwner>>;
  beforeEach(async () => {
    t = await buildSessionApp();
    org = await orgWithOwner(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const change = (headers: Record<string, string>, currentPassword: string, newPassword = NEW_PASSWORD) =>
    t.app.inject({ method: "POST", url: "/session/password", headers, payload: { currentPassword, newPassword } });
  const signInAnswer = (password: string) =>
    t.app.inject({ method: "POST", url: "/session", payload: { email: OWNER.email, password } });
  const works = async (browser: Browser) =>
    (await t.app.inject({ method: "GET", url: "/token", headers: as(browser) })).statusCode;

  it("changes the password; the member's other sessions end, this one stays; audited without the password", async () => {
    const laptop = await signIn(t, OWNER.email, OWNER.password);
    const phone = await signIn(t, OWNER.email, OWNER.password);
    const admin = await addMember(t, org.owner, "admin");
    const res = await change(as(org.owner), OWNER.password);
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res)).toEqual({ revoked: 2 });
    for (const ended of [laptop, phone])
      expectError(await t.app.inject({ method: "GET", url: "/token", headers: as(ended) }), "SESSION_EXPIRED");
    expect(await works(org.owner)).toBe(200);
    // Another member's session is not touched.
    expect(await works(admin)).toBe(200);
    // The current session can still make changes (its CSRF token is unchanged).
    const key = await t.app.inject({
      method: "POST",
      url: "/token",
      headers: as(org.owner),
      payload: { tag: "public" },
    });
    expect(key.statusCode, key.body).toBe(201);
    expectError(await signInAnswer(OWNER.password), "INVALID_CREDENTIALS");
    expect((await signInAnswer(NEW_PASSWORD)).statusCode).toBe(200);
    const audit = await t.store.listAudit(org.orgId, { limit: 10, event: "member.password-change" });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      actorKeyId: org.owner.memberId,
      targetId: org.owner.memberId,
      details: { sessionsRevoked: 2 },
    });
    expect(JSON.stringify(audit.items)).not.toContain(NEW_PASSWORD);
    expect(JSON.stringify(audit.items)).not.toContain(OWNER.password);
  });

  it("a wrong current password is refused and changes nothing, and no session ends", async () => {
    const other = await signIn(t, OWNER.email, OWNER.password);
    expectError(await change(as(org.owner), "not my password"), "INVALID_CREDENTIALS", "currentPassword");
    expect(await works(other)).toBe(200);
    expect(await works(org.owner)).toBe(200);
    expect((await signInAnswer(OWNER.password)).statusCode).toBe(200);
    expect((await t.store.listAudit(org.orgId, { limit: 10, event: "member.password-change" })).items).toEqual([]);
  });

  it("the new password is validated as at setup (10 characters at least)", async () => {
    expectError(await change(as(org.owner), OWNER.password, "short"), "VALIDATION_FAILED", "newPassword");
    expect((await signInAnswer(OWNER.password)).statusCode).toBe(200);
  });

  it("a viewer changes their own password", async () => {
    const viewer = await addMember(t, org.owner, "viewer", "viewer@example.com");
    const res = await change(as(viewer), "another long password");
    expect(res.statusCode, res.body).toBe(200);
    const again = await t.app.inject({
      method: "POST",
      url: "/session",
      payload: { email: "viewer@example.com", password: NEW_PASSWORD },
    });
    expect(again.statusCode).toBe(200);
  });

  it("needs the session's CSRF token and a session; an API key does not do", async () => {
    expectError(await change(as(org.owner, false), OWNER.password), "CSRF_TOKEN_INVALID");
    expectError(await change({}, OWNER.password), "MISSING_CREDENTIAL");
    expectError(await change(bearer(org.privateKey), OWNER.password), "MISSING_CREDENTIAL");
    expectError(await change({ cookie: `pc_session=${"A".repeat(43)}` }, OWNER.password), "SESSION_EXPIRED");
    expect((await signInAnswer(OWNER.password)).statusCode).toBe(200);
  });

  it("limits guesses of the current password like sign-ins", async () => {
    for (let i = 0; i < 10; i++)
      expectError(await change(as(org.owner), `wrong guess ${i}`), "INVALID_CREDENTIALS", "currentPassword");
    const limited = await change(as(org.owner), OWNER.password);
    expectError(limited, "RATE_LIMITED");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect((await t.store.listAudit(org.orgId, { limit: 10, event: "member.password-change" })).items).toEqual([]);
  });
});
