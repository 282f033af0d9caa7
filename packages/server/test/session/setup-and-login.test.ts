import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSetupLink } from "../../src/index.ts";
import { body, createOrg, expectError, PUBLIC_URL, type TestApp } from "../helpers.ts";
import { buildSessionApp, OWNER, orgWithOwner, sessionCookie, setupToken } from "./session-helpers.ts";

describe("first-run setup", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildSessionApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it("a setup link creates the owner, signs them in, and works only once", async () => {
    const org = await createOrg(t);
    const link = await createSetupLink(t.store, org.orgId, PUBLIC_URL, t.clock);
    expect(link.startsWith(`${PUBLIC_URL}/dashboard/#/setup?token=`)).toBe(true);
    const token = setupToken(link);
    const res = await t.app.inject({ method: "POST", url: "/session/setup", payload: { token, ...OWNER } });
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res)).toEqual({
      member: { id: expect.stringMatching(/^mem_/), email: OWNER.email, role: "owner" },
      orgId: org.orgId,
      csrfToken: expect.any(String),
    });
    expect(sessionCookie(res)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const again = await t.app.inject({
      method: "POST",
      url: "/session/setup",
      payload: { token, email: "intruder@example.com", password: "intruder password" },
    });
    expectError(again, "SETUP_TOKEN_INVALID");
    const members = await t.db.selectFrom("members").select("email").execute();
    expect(members).toEqual([{ email: OWNER.email }]);
  });

  it("another link of the same org stops working once the owner exists", async () => {
    const org = await createOrg(t);
    const first = setupToken(await createSetupLink(t.store, org.orgId, PUBLIC_URL, t.clock));
    const second = setupToken(await createSetupLink(t.store, org.orgId, PUBLIC_URL, t.clock));
    const ok = await t.app.inject({ method: "POST", url: "/session/setup", payload: { token: first, ...OWNER } });
    expect(ok.statusCode).toBe(200);
    const late = await t.app.inject({
      method: "POST",
      url: "/session/setup",
      payload: { token: second, email: "second@example.com", password: "second password" },
    });
    expectError(late, "SETUP_TOKEN_INVALID");
  });

  it("one link used by many requests at once creates exactly one owner", async () => {
    const org = await createOrg(t);
    const token = setupToken(await createSetupLink(t.store, org.orgId, PUBLIC_URL, t.clock));
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.app.inject({
          method: "POST",
          url: "/session/setup",
          payload: { token, email: `racer${i}@example.com`, password: "racing password" },
        }),
      ),
    );
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    expect(await t.store.countMembers(org.orgId)).toBe(1);
  });

  it("refuses an expired link, an unknown token and a short password", async () => {
    const org = await createOrg(t);
    const token = setupToken(await createSetupLink(t.store, org.orgId, PUBLIC_URL, t.clock));
    const short = await t.app.inject({
      method: "POST",
      url: "/session/setup",
      payload: { token, email: OWNER.email, password: "too-short" },
    });
    expectError(short, "VALIDATION_FAILED", "password");
    const unknown = await t.app.inject({
      method: "POST",
      url: "/session/setup",
      payload: { token: "A".repeat(43), ...OWNER },
    });
    expectError(unknown, "SETUP_TOKEN_INVALID");
    t.clock.advance(24 * 60 * 60 * 1000);
    const expired = await t.app.inject({ method: "POST", url: "/session/setup", payload: { token, ...OWNER } });
    expectError(expired, "SETUP_TOKEN_INVALID");
    expect(await t.store.countMembers(org.orgId)).toBe(0);
  });

  it("stores the password as scrypt and no token in the clear", async () => {
    const org = await createOrg(t);
    const link = await createSetupLink(t.store, org.orgId, PUBLIC_URL, t.clock);
    const pending = await t.db.selectFrom("setup_tokens").selectAll().execute();
    expect(JSON.stringify(pending)).not.toContain(setupToken(link));
    const res = await t.app.inject({
      method: "POST",
      url: "/session/setup",
      payload: { token: setupToken(link), ...OWNER },
    });
    const cookie = sessionCookie(res);
    const [member] = await t.db.selectFrom("members").selectAll().execute();
    expect(member?.password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const everything = JSON.stringify([
      await t.db.selectFrom("members").selectAll().execute(),
      await t.db.selectFrom("sessions").selectAll().execute(),
      await t.db.selectFrom("audit_events").selectAll().execute(),
    ]);
    expect(everything).not.toContain(OWNER.password);
    expect(everything).not.toContain(cookie);
    expect(everything).not.toContain(String(body(res).csrfToken));
  });
});

describe("POST /session", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildSessionApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it("signs in with the right password (email without case) and GET /session answers the same", async () => {
    const org = await orgWithOwner(t);
    const res = await t.app.inject({
      method: "POST",
      url: "/session",
      payload: { email: "Owner@Example.com", password: OWNER.password },
    });
    expect(res.statusCode, res.body).toBe(200);
    const signedIn = body(res);
    expect(signedIn).toEqual({
      member: { id: org.owner.memberId, email: OWNER.email, role: "owner" },
      orgId: org.orgId,
      csrfToken: expect.any(String),
    });
    const cookie = `pc_session=${sessionCookie(res)}`;
    const current = await t.app.inject({ method: "GET", url: "/session", headers: { cookie } });
    expect(current.statusCode).toBe(200);
    expect(body(current)).toEqual(signedIn);
    // Each sign-in is its own session with its own CSRF token.
    expect(signedIn.csrfToken).not.toBe(org.owner.csrfToken);
  });

  it("answers a wrong password and an unknown email alike", async () => {
    await orgWithOwner(t);
    const wrong = await t.app.inject({
      method: "POST",
      url: "/session",
      payload: { email: OWNER.email, password: "wrong password!" },
    });
    const unknown = await t.app.inject({
      method: "POST",
      url: "/session",
      payload: { email: "nobody@example.com", password: OWNER.password },
    });
    const a = expectError(wrong, "INVALID_CREDENTIALS");
    const b = expectError(unknown, "INVALID_CREDENTIALS");
    expect({ ...a, requestId: "" }).toEqual({ ...b, requestId: "" });
    expect(wrong.cookies).toEqual([]);
    expect(unknown.cookies).toEqual([]);
  });

  it("GET /session without a cookie is MISSING_CREDENTIAL; with an unknown one SESSION_EXPIRED", async () => {
    expectError(await t.app.inject({ method: "GET", url: "/session" }), "MISSING_CREDENTIAL");
    const res = await t.app.inject({
      method: "GET",
      url: "/session",
      headers: { cookie: `pc_session=${"x".repeat(43)}` },
    });
    expectError(res, "SESSION_EXPIRED");
  });

  it("rate-limits attempts per email, with Retry-After, even with the right password", async () => {
    await orgWithOwner(t);
    for (let i = 0; i < 10; i++) {
      const res = await t.app.inject({
        method: "POST",
        url: "/session",
        payload: { email: OWNER.email, password: `wrong password ${i}` },
      });
      expectError(res, "INVALID_CREDENTIALS");
    }
    const limited = await t.app.inject({ method: "POST", url: "/session", payload: OWNER });
    expectError(limited, "RATE_LIMITED");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.cookies).toEqual([]);
  });

  it("rate-limits attempts per IP across emails", async () => {
    let last = await t.app.inject({ method: "POST", url: "/session", payload: { email: "a0@x.io", password: "p" } });
    for (let i = 1; i <= 30; i++)
      last = await t.app.inject({ method: "POST", url: "/session", payload: { email: `a${i}@x.io`, password: "p" } });
    expectError(last, "RATE_LIMITED");
    expect(last.headers["retry-after"]).toBeDefined();
  });
});

describe("the session cookie", () => {
  it.each([
    ["http://localhost:8787", false],
    ["https://api.example.com", true],
  ])("from %s is HttpOnly, SameSite=Strict, Path=/, Secure=%s", async (publicUrl, secure) => {
    const t = await buildSessionApp({ publicUrl });
    try {
      await orgWithOwner(t);
      const res = await t.app.inject({ method: "POST", url: "/session", payload: OWNER });
      expect(res.statusCode).toBe(200);
      const header = String(res.headers["set-cookie"]);
      expect(header).toMatch(/^pc_session=[A-Za-z0-9_-]{43};/);
      expect(header).toMatch(/; HttpOnly/);
      expect(header).toMatch(/; SameSite=Strict/);
      expect(header).toMatch(/; Path=\//);
      expect(/; Secure/.test(header)).toBe(secure);
    } finally {
      await t.close();
    }
  });
});
