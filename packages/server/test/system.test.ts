import type { ErrorCode } from "@portcullis/core";
import type { InjectOptions } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../src/index.ts";
import { bearer, body, buildTestApp, createOrg, expectError, type Json, type TestApp } from "./helpers.ts";

let t: TestApp;
afterEach(async () => {
  await t.close();
});

describe("system routes", () => {
  it("GET /health answers ok without a credential", async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    expect(body(res)).toMatchObject({ status: "ok", version: expect.any(String) });
  });

  it("GET /openapi.json is an OpenAPI 3.1 document listing the API", async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const doc = JSON.parse(res.body) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const expected: [string, string[]][] = [
      ["/token", ["post", "get"]],
      ["/token/{id}", ["get", "patch", "delete"]],
      ["/assistant", ["post", "get"]],
      ["/assistant/{id}", ["get", "patch", "delete"]],
      ["/call/web", ["post"]],
      ["/call", ["get"]],
      ["/call/{id}", ["get"]],
    ];
    for (const [path, methods] of expected) {
      expect(Object.keys(doc.paths), path).toContain(path);
      expect(Object.keys(doc.paths[path] ?? {}), path).toEqual(expect.arrayContaining(methods));
    }
  });

  it.each([
    ["GET", "/nope"],
    ["GET", "/tokens"],
    ["POST", "/call"],
    ["PUT", "/token"],
    ["GET", "/call/web/extra/segments"],
  ])("%s %s → 404 ROUTE_NOT_FOUND", async (method, url) => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: method as "GET", url });
    expectError(res, "ROUTE_NOT_FOUND");
  });
});

describe("error bodies", () => {
  it("every refusal has statusCode, error, code, message, docs and a fresh req_ requestId", async () => {
    t = await buildTestApp();
    const org = await createOrg(t);
    const requests: [InjectOptions, ErrorCode][] = [
      [{ method: "GET", url: "/token" }, "MISSING_CREDENTIAL"],
      [{ method: "GET", url: "/token", headers: bearer("pcsk_bad") }, "INVALID_KEY"],
      [{ method: "GET", url: "/token/key_none", headers: bearer(org.privateKey) }, "NOT_FOUND"],
      [{ method: "POST", url: "/assistant", headers: bearer(org.privateKey), payload: { bogus: 1 } }, "UNKNOWN_FIELD"],
      [
        {
          method: "POST",
          url: "/assistant",
          headers: { ...bearer(org.privateKey), "content-type": "application/json" },
          payload: "{",
        },
        "INVALID_JSON",
      ],
      [{ method: "GET", url: "/missing" }, "ROUTE_NOT_FOUND"],
    ];
    const ids = new Set<string>();
    for (const [options, code] of requests) {
      const err = expectError(await t.app.inject(options), code);
      ids.add(String(err.requestId));
    }
    expect(ids.size).toBe(requests.length);
  });

  it("ignores a request ID sent by the client", async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: "GET", url: "/token", headers: { "request-id": "req_mine" } });
    expect(body(res).requestId).not.toBe("req_mine");
  });

  it("a store failure answers 500 INTERNAL_ERROR without echoing the internal message, and the server keeps serving", async () => {
    const secret = "SQLITE_CORRUPT: table api_keys at /srv/secret/path";
    t = await buildTestApp({
      wrapStore: (store) =>
        new Proxy(store, {
          get(target, prop, receiver) {
            if (prop === "listAssistants") return async () => Promise.reject(new Error(secret));
            const value = Reflect.get(target, prop, receiver) as unknown;
            return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        }) as Store,
    });
    const org = await createOrg(t);
    const res = await t.app.inject({ method: "GET", url: "/assistant", headers: bearer(org.privateKey) });
    const err: Json = expectError(res, "INTERNAL_ERROR");
    expect(res.body).not.toContain("SQLITE");
    expect(res.body).not.toContain("/srv/secret");
    expect(err.requestId).toMatch(/^req_/);
    const other = await t.app.inject({ method: "GET", url: "/token", headers: bearer(org.privateKey) });
    expect(other.statusCode).toBe(200);
  });
});
