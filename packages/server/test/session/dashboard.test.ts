import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../helpers.ts";
import { buildSessionApp } from "./session-helpers.ts";

const INDEX =
  '<!doctype html><html><head><script type="module" src="/dashboard/assets/app-3f2a.js"></script></head></html>';

describe("GET /dashboard/ with the dashboard built", () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "portcullis-dashboard-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), INDEX);
    writeFileSync(join(dir, "assets", "app-3f2a.js"), "console.log('dashboard');");
    writeFileSync(join(dir, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
    writeFileSync(join(dir, "..", "secret.txt"), "not for the web");
    t = await buildSessionApp({ dashboardDir: dir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(dir, "..", "secret.txt"), { force: true });
  });

  it("serves index.html, revalidated, with a strict content security policy", async () => {
    const res = await t.app.inject({ method: "GET", url: "/dashboard/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toBe(INDEX);
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers["x-frame-options"]).toBe("DENY");
  });

  it.each(["/dashboard/keys", "/dashboard/keys/key_123/restrictions"])("answers index.html for %s", async (url) => {
    const res = await t.app.inject({ method: "GET", url });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX);
  });

  it("serves hashed assets with a long immutable cache, other files revalidated", async () => {
    const asset = await t.app.inject({ method: "GET", url: "/dashboard/assets/app-3f2a.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["content-type"]).toMatch(/javascript/);
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const icon = await t.app.inject({ method: "GET", url: "/dashboard/favicon.svg" });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers["cache-control"]).toBe("no-cache");
  });

  it("a missing asset is a 404, not the app", async () => {
    const res = await t.app.inject({ method: "GET", url: "/dashboard/assets/gone-1234.js" });
    expect(res.statusCode).toBe(404);
  });

  it.each(["/dashboard/../secret.txt", "/dashboard/%2e%2e/secret.txt", "/dashboard/..%2fsecret.txt"])(
    "never serves a file outside the build: %s",
    async (url) => {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.body).not.toContain("not for the web");
    },
  );

  it("redirects / and /dashboard to /dashboard/", async () => {
    for (const url of ["/", "/dashboard"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe("/dashboard/");
    }
  });
});

describe("GET /dashboard/ without a build", () => {
  it("answers a page saying how to build it, and the API still works", async () => {
    const t = await buildSessionApp({ dashboardDir: join(tmpdir(), "portcullis-no-such-dashboard") });
    try {
      const res = await t.app.inject({ method: "GET", url: "/dashboard/" });
      expect(res.statusCode).toBe(503);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.body).toContain("npm run build -w @portcullis/dashboard");
      expect((await t.app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
