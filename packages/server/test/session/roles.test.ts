import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, body, buildTestApp, createPublicKey, expectError, type Json, type TestApp } from "../helpers.ts";
import { addMember, as, type Browser, buildSessionApp, orgWithOwner } from "./session-helpers.ts";

type Operation = { method: string; path: string };

/** Every mutating private route, read from the API description (as the shared security suite does). */
async function mutatingPrivateRoutes(): Promise<Operation[]> {
  const t = await buildTestApp();
  const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json() as {
    paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
  };
  await t.close();
  const routes: Operation[] = [];
  for (const [path, operations] of Object.entries(doc.paths))
    for (const [method, operation] of Object.entries(operations)) {
      if (["get", "head", "options"].includes(method)) continue;
      if (!operation.security?.some((s) => "bearerAuth" in s || "sessionCookie" in s)) continue;
      // Signing in and out, and changing one's own password, are every member's.
      if (path === "/call/web" || path === "/session" || path === "/session/password") continue;
      routes.push({ method: method.toUpperCase(), path });
    }
  return routes;
}

const ROUTES = await mutatingPrivateRoutes();
// A simulation writes nothing: a viewer may run it.
const READ_ONLY = ["POST /token/{id}/check"];

describe("a viewer", () => {
  let t: TestApp;
  let viewer: Browser;
  let owner: Browser;
  let org: Awaited<ReturnType<typeof orgWithOwner>>;
  beforeEach(async () => {
    t = await buildSessionApp();
    org = await orgWithOwner(t);
    owner = org.owner;
    viewer = await addMember(t, owner, "viewer");
  });
  afterEach(async () => {
    await t.close();
  });

  it("the route list covers the API's changes", () => {
    const names = ROUTES.map((r) => `${r.method} ${r.path}`);
    for (const name of [
      "POST /token",
      "PATCH /token/{id}",
      "DELETE /assistant/{id}",
      "PATCH /org",
      "POST /member",
      "PATCH /member/{id}",
    ])
      expect(names).toContain(name);
  });

  it.each(ROUTES.filter((r) => !READ_ONLY.includes(`${r.method} ${r.path}`)))(
    "is refused $method $path with ROLE_FORBIDDEN, changing nothing",
    async (route) => {
      const before = await t.db.selectFrom("audit_events").select("id").execute();
      const res = await t.app.inject({
        method: route.method as "POST",
        url: route.path.replace(/\{\w+\}/g, "x_123"),
        headers: as(viewer),
        payload: {},
      });
      expectError(res, "ROLE_FORBIDDEN");
      expect(await t.db.selectFrom("audit_events").select("id").execute()).toEqual(before);
    },
  );

  it("can read, and simulate a request", async () => {
    const key = await createPublicKey(t, org.privateKey);
    expect((await t.app.inject({ method: "GET", url: "/token", headers: as(viewer, false) })).statusCode).toBe(200);
    const check = await t.app.inject({
      method: "POST",
      url: `/token/${key.id}/check`,
      headers: as(viewer),
      payload: { origin: "https://app.example.com", assistantId: "asst_nope" },
    });
    expect(check.statusCode, check.body).toBe(200);
    expect(body(check).decision).toBe("deny");
  });

  it("cannot list members", async () => {
    expectError(await t.app.inject({ method: "GET", url: "/member", headers: as(viewer) }), "ROLE_FORBIDDEN");
  });
});

describe("owners and admins", () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof orgWithOwner>>;
  beforeEach(async () => {
    t = await buildSessionApp();
    org = await orgWithOwner(t);
  });
  afterEach(async () => {
    await t.close();
  });

  it("an admin creates a private key and manages non-owners, but not owners", async () => {
    const admin = await addMember(t, org.owner, "admin");
    const key = await t.app.inject({
      method: "POST",
      url: "/token",
      headers: as(admin),
      payload: { tag: "private", name: "Backend" },
    });
    expect(key.statusCode, key.body).toBe(201);
    const viewer = await addMember(t, admin, "viewer");
    const owner = await t.app.inject({
      method: "POST",
      url: "/member",
      headers: as(admin),
      payload: { email: "boss@example.com", password: "boss password!", role: "owner" },
    });
    expectError(owner, "ROLE_FORBIDDEN");
    for (const url of [`/member/${org.owner.memberId}`, `/member/${org.owner.memberId}/sessions`])
      expectError(await t.app.inject({ method: "DELETE", url, headers: as(admin) }), "ROLE_FORBIDDEN");
    const removed = await t.app.inject({ method: "DELETE", url: `/member/${viewer.memberId}`, headers: as(admin) });
    expect(removed.statusCode).toBe(200);
    const list = await t.app.inject({ method: "GET", url: "/member", headers: as(admin) });
    expect((list.json() as Json[]).map((m) => m.role).sort()).toEqual(["admin", "owner"]);
    expect(list.body).not.toContain("scrypt");
  });

  it("an owner adds an owner; the last owner cannot be removed", async () => {
    const second = await addMember(t, org.owner, "owner");
    const res = await t.app.inject({ method: "DELETE", url: `/member/${org.owner.memberId}`, headers: as(second) });
    expect(res.statusCode, res.body).toBe(200);
    const last = await t.app.inject({ method: "DELETE", url: `/member/${second.memberId}`, headers: as(second) });
    expectError(last, "LAST_OWNER");
  });

  it("an email belongs to one member only", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/member",
      headers: as(org.owner),
      payload: { email: "OWNER@example.com", password: "a long password", role: "viewer" },
    });
    expectError(res, "CONFLICT", "email");
  });

  it("members are not managed with an API key", async () => {
    for (const [method, url] of [
      ["GET", "/member"],
      ["POST", "/member"],
      ["DELETE", `/member/${org.owner.memberId}`],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: bearer(org.privateKey),
        ...(method === "POST" && { payload: { email: "k@example.com", password: "a long password", role: "owner" } }),
      });
      expectError(res, "ROLE_FORBIDDEN");
    }
    expect(await t.store.countMembers(org.orgId)).toBe(1);
    expectError(await t.app.inject({ method: "GET", url: "/member" }), "MISSING_CREDENTIAL");
  });
});
