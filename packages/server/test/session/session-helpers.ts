import { randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { createApp, createCipher, createSetupLink, KyselyStore, openSqlite } from "../../src/index.ts";
import { body, createOrg, type Json, type Org, PUBLIC_URL, type TestApp, type TestClock } from "../helpers.ts";

export const OWNER = { email: "owner@example.com", password: "correct horse battery" };

/** Like buildTestApp, with the public URL (http or https) and dashboard directory chosen by the test. */
export async function buildSessionApp(
  options: { publicUrl?: string; dashboardDir?: string } = {},
): Promise<TestApp & { publicUrl: string }> {
  const db = await openSqlite(":memory:");
  const store = new KyselyStore(db);
  const cipher = createCipher(randomBytes(32));
  let now = Date.parse("2025-01-01T00:00:00.000Z");
  const clock: TestClock = {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
  const publicUrl = options.publicUrl ?? PUBLIC_URL;
  const app = await createApp({
    store,
    cipher,
    clock,
    config: { publicUrl, keyCacheSize: 1000, keyCacheTtlSeconds: 30 },
    ...(options.dashboardDir !== undefined && { dashboardDir: options.dashboardDir }),
  });
  await app.ready();
  return {
    app,
    db,
    store,
    cipher,
    clock,
    publicUrl,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** The token in a setup link. */
export function setupToken(link: string): string {
  const token = new URL(link.replace("#/setup", "setup")).searchParams.get("token");
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return token as string;
}

/** A signed-in browser: its cookie header and CSRF token. */
export type Browser = { cookie: string; csrfToken: string; memberId: string; orgId: string };

/** The pc_session value a response sets. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const cookie = res.cookies.find((c) => c.name === "pc_session");
  expect(cookie, res.body).toBeDefined();
  return (cookie as { value: string }).value;
}

function browserFrom(res: LightMyRequestResponse): Browser {
  expect(res.statusCode, res.body).toBe(200);
  const b = body(res) as { csrfToken: string; orgId: string; member: Json };
  return {
    cookie: `pc_session=${sessionCookie(res)}`,
    csrfToken: b.csrfToken,
    memberId: String(b.member.id),
    orgId: b.orgId,
  };
}

/** A new org whose owner was created with its setup link; the owner's browser is signed in. */
export async function orgWithOwner(t: TestApp, name = "Acme", owner = OWNER): Promise<Org & { owner: Browser }> {
  const org = await createOrg(t, name);
  const link = await createSetupLink(t.store, org.orgId, PUBLIC_URL, t.clock);
  const res = await t.app.inject({
    method: "POST",
    url: "/session/setup",
    payload: { token: setupToken(link), ...owner },
  });
  return { ...org, owner: browserFrom(res) };
}

export async function signIn(t: TestApp, email: string, password: string): Promise<Browser> {
  return browserFrom(await t.app.inject({ method: "POST", url: "/session", payload: { email, password } }));
}

/** Headers of a request from a signed-in browser; `csrf: false` leaves the CSRF header out. */
export function as(browser: Browser, csrf = true): Record<string, string> {
  return { cookie: browser.cookie, ...(csrf && { "x-csrf-token": browser.csrfToken }) };
}

/** Adds a member through the API as `by`, then signs them in. */
export async function addMember(
  t: TestApp,
  by: Browser,
  role: "owner" | "admin" | "viewer",
  email = `${role}-${randomBytes(3).toString("hex")}@example.com`,
): Promise<Browser> {
  const password = "another long password";
  const res = await t.app.inject({
    method: "POST",
    url: "/member",
    headers: as(by),
    payload: { email, password, role },
  });
  expect(res.statusCode, res.body).toBe(201);
  return signIn(t, email, password);
}
