import type { ErrorCode } from "@portcullis/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, buildTestApp, expectError, type Json, type TestApp } from "../helpers.ts";
import { addMember, as, type Browser, buildSessionApp, orgWithOwner } from "./session-helpers.ts";

/**
 * The routes that take only a dashboard session (no bearer credential), which the shared security
 * suite (../security.test.ts) does not reach: each refuses a request without a live session, an API
 * key, a change without the CSRF token, and another org's member.
 */
type World = { owner: Browser; viewer: Browser; privateKey: string; strangerId: string };

type Route = {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  url: (w: World) => string;
  payload?: Json;
  /** What the org's private key, sent without a cookie, is answered. */
  apiKey: ErrorCode;
  /** An item route about a member: another org's member is NOT_FOUND. */
  item?: true;
};

const ROUTES: Route[] = [
  { method: "GET", path: "/member", url: () => "/member", apiKey: "ROLE_FORBIDDEN" },
  {
    method: "POST",
    path: "/member",
    url: () => "/member",
    payload: { email: "new@example.com", password: "a long password", role: "viewer" },
    apiKey: "ROLE_FORBIDDEN",
  },
  {
    method: "PATCH",
    path: "/member/{id}",
    url: (w) => `/member/${w.viewer.memberId}`,
    payload: { role: "admin" },
    apiKey: "ROLE_FORBIDDEN",
    item: true,
  },
  {
    method: "DELETE",
    path: "/member/{id}",
    url: (w) => `/member/${w.viewer.memberId}`,
    apiKey: "ROLE_FORBIDDEN",
    item: true,
  },
  {
    method: "DELETE",
    path: "/member/{id}/sessions",
    url: (w) => `/member/${w.viewer.memberId}/sessions`,
    apiKey: "ROLE_FORBIDDEN",
    item: true,
  },
  {
    method: "POST",
    path: "/member/{id}/password",
    url: (w) => `/member/${w.viewer.memberId}/password`,
    payload: { password: "a password set for them" },
    apiKey: "ROLE_FORBIDDEN",
    item: true,
  },
  { method: "GET", path: "/session", url: () => "/session", apiKey: "MISSING_CREDENTIAL" },
  { method: "DELETE", path: "/session", url: () => "/session", apiKey: "MISSING_CREDENTIAL" },
  {
    method: "POST",
    path: "/session/password",
    url: () => "/session/password",
    payload: { currentPassword: "correct horse battery", newPassword: "a brand new passphrase" },
    apiKey: "MISSING_CREDENTIAL",
  },
];

describe.each(ROUTES)("session route $method $path", (route) => {
  let t: TestApp;
  let w: World;
  beforeEach(async () => {
    t = await buildSessionApp();
    const org = await orgWithOwner(t);
    const viewer = await addMember(t, org.owner, "viewer");
    const stranger = await orgWithOwner(t, "Stranger", { email: "s@stranger.example", password: "stranger password" });
    w = { owner: org.owner, viewer, privateKey: org.privateKey, strangerId: stranger.owner.memberId };
  });
  afterEach(async () => {
    await t.close();
  });

  const send = (headers: Record<string, string>, url = route.url(w)) =>
    t.app.inject({ method: route.method, url, headers, ...(route.payload && { payload: route.payload }) });

  /** The viewer is still there, a viewer, signed in; the owner can still sign in with their password. */
  async function unchanged(): Promise<void> {
    expect((await t.store.getMember(w.owner.orgId, w.viewer.memberId))?.role).toBe("viewer");
    expect((await t.app.inject({ method: "GET", url: "/token", headers: as(w.viewer) })).statusCode).toBe(200);
    expect(await t.store.countMembers(w.owner.orgId)).toBe(2);
    const signIn = await t.app.inject({
      method: "POST",
      url: "/session",
      payload: { email: "owner@example.com", password: "correct horse battery" },
    });
    expect(signIn.statusCode).toBe(200);
  }

  it("answers the org's owner (control)", async () => {
    const res = await send(as(w.owner));
    expect(res.statusCode, res.body).toBeLessThan(300);
  });

  it("refuses no credential, an unknown session and the org's API key, changing nothing", async () => {
    expectError(await send({}), "MISSING_CREDENTIAL");
    expectError(await send({ cookie: `pc_session=${"A".repeat(43)}`, "x-csrf-token": "x" }), "SESSION_EXPIRED");
    expectError(await send(bearer(w.privateKey)), route.apiKey);
    await unchanged();
  });

  it.skipIf(route.method === "GET")("refuses a change without the session's CSRF token", async () => {
    expectError(await send(as(w.owner, false)), "CSRF_TOKEN_INVALID");
    await unchanged();
  });

  it.skipIf(!route.item)("answers another org's member NOT_FOUND", async () => {
    expectError(await send(as(w.owner), route.url(w).replace(w.viewer.memberId, w.strangerId)), "NOT_FOUND");
    await unchanged();
  });

  it("sends no CORS allow headers", async () => {
    const res = await send({ ...as(w.owner), origin: "https://evil.example" });
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });
});

describe("the session routes' security suite", () => {
  it("covers every route that takes only a session", async () => {
    const t = await buildTestApp();
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json() as {
      paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
    };
    await t.close();
    const sessionOnly: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths))
      for (const [method, operation] of Object.entries(operations)) {
        const security = operation.security ?? [];
        if (security.some((s) => "sessionCookie" in s) && !security.some((s) => "bearerAuth" in s))
          sessionOnly.push(`${method.toUpperCase()} ${path}`);
      }
    expect(sessionOnly.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });
});
