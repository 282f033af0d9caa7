import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, body, createKey, createOrg, expectError, type Json, webCall } from "../helpers.ts";
import {
  APP_ORIGIN,
  buildLimitsApp,
  EVIL_ORIGIN,
  endCall,
  type LimitsApp,
  limitedKey,
  scriptAssistant,
  userToken,
} from "./harness.ts";

const CREDENTIAL_API_KEY = "sk-live-Portcullis-Test-0123456789abcdef";

let t: LimitsApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function getAudit(app: LimitsApp, query = ""): Promise<{ rows: Json[]; next: string | undefined }> {
  const res = await app.app.inject({ method: "GET", url: `/audit?${query}`, headers: bearer(app.org.privateKey) });
  expect(res.statusCode, res.body).toBe(200);
  const next = res.headers["x-next-cursor"];
  return { rows: res.json() as Json[], next: typeof next === "string" ? next : undefined };
}

/**
 * Does one of every audited thing, a minute apart, and returns the IDs involved and every secret
 * that crossed the API on the way (key values, JWTs, the provider API key).
 */
async function everyEvent(app: LimitsApp) {
  const secrets = [app.org.privateKey];
  const tick = () => app.clock.advance(60_000);
  const api = async (method: "POST" | "PATCH" | "DELETE", url: string, payload?: Json) => {
    const res = await app.app.inject({ method, url, headers: bearer(app.org.privateKey), payload });
    expect(res.statusCode, res.body).toBeLessThan(300);
    tick();
    return body(res);
  };

  const assistantId = await scriptAssistant(app, app.org.privateKey, 60);
  tick();
  await api("PATCH", `/assistant/${assistantId}`, { name: "Renamed" });
  const doomed = await api("POST", "/assistant", { name: "Doomed" });
  await api("DELETE", `/assistant/${doomed.id}`);

  const publicKey = await limitedKey(app, { maxConcurrentCalls: 5 });
  secrets.push(publicKey.value);
  tick();
  await api("PATCH", `/token/${publicKey.id}`, {
    name: "Landing page",
    restrictions: { allowedOrigins: [APP_ORIGIN] },
  });
  const extra = await createKey(app, app.org.privateKey, { tag: "private", name: "CI" });
  secrets.push(extra.value);
  tick();
  const rotated = await api("POST", `/token/${extra.id}/rotate`, { gracePeriodSeconds: 60 });
  secrets.push(String(rotated.value));
  await api("DELETE", `/token/${extra.id}`);

  const credential = await api("POST", "/credential", {
    provider: "openai",
    apiKey: CREDENTIAL_API_KEY,
    name: "OpenAI",
  });
  secrets.push(CREDENTIAL_API_KEY);
  await api("DELETE", `/credential/${credential.id}`);

  const { publicKey: es } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const signingKey = await api("POST", "/signing-key", {
    name: "Backend",
    jwk: { ...es.export({ format: "jwk" }), kid: "backend-1" },
  });
  await api("DELETE", `/signing-key/${signingKey.id}`);

  await api("PATCH", "/org", { maxConcurrentCalls: 10 });

  const token = userToken(app, "user_42");
  secrets.push(token);
  const started = await webCall(app, token, { assistantId, metadata: { note: "hello" } });
  expect(started.statusCode, started.body).toBe(201);
  const callId = String(body(started).id);
  tick();
  const webCallUrl = String(body(started).webCallUrl);
  secrets.push(new URL(webCallUrl).searchParams.get("token") as string);
  await endCall(app, callId);
  tick();
  expectError(await webCall(app, publicKey.value, { assistantId }, EVIL_ORIGIN), "ORIGIN_NOT_ALLOWED");
  tick();
  return { assistantId, doomedId: String(doomed.id), publicKey, extra, credential, signingKey, callId, secrets };
}

describe("the audit log", () => {
  it("records every change and call decision with its fields", async () => {
    const app = await buildLimitsApp();
    t = app;
    const ids = await everyEvent(app);
    const { rows } = await getAudit(app, "limit=1000");
    const actor = app.org.keyId;
    const find = (event: string, where: Json = {}) => {
      const hits = rows.filter((r) => r.event === event && Object.entries(where).every(([k, v]) => r[k] === v));
      expect(hits, `${event} ${JSON.stringify(where)}`).toHaveLength(1);
      return hits[0] as Json;
    };
    find("assistant.create", { targetId: ids.assistantId, actorKeyId: actor });
    find("assistant.update", { targetId: ids.assistantId, actorKeyId: actor });
    find("assistant.create", { targetId: ids.doomedId });
    find("assistant.delete", { targetId: ids.doomedId, actorKeyId: actor });
    find("token.create", { keyId: ids.publicKey.id, targetId: ids.publicKey.id, actorKeyId: actor });
    find("token.update", { keyId: ids.publicKey.id, actorKeyId: actor });
    find("token.create", { keyId: ids.extra.id });
    expect(find("token.rotate", { keyId: ids.extra.id, actorKeyId: actor }).details).toMatchObject({
      gracePeriodSeconds: 60,
    });
    find("token.revoke", { keyId: ids.extra.id, actorKeyId: actor });
    find("credential.create", { targetId: ids.credential.id, actorKeyId: actor });
    find("credential.delete", { targetId: ids.credential.id, actorKeyId: actor });
    find("signing-key.create", { targetId: ids.signingKey.id, actorKeyId: actor });
    find("signing-key.delete", { targetId: ids.signingKey.id, actorKeyId: actor });
    expect(find("org.update", { targetId: app.org.orgId, actorKeyId: actor }).details).toMatchObject({
      fields: ["maxConcurrentCalls"],
    });
    expect(find("call.start", { callId: ids.callId })).toMatchObject({
      keyId: actor,
      userId: "user_42",
      origin: APP_ORIGIN,
      ip: "127.0.0.1",
      assistantId: ids.assistantId,
    });
    expect(find("call.end", { callId: ids.callId })).toMatchObject({
      keyId: actor,
      userId: "user_42",
      reason: "ended-via-api",
      assistantId: ids.assistantId,
    });
    expect(find("call.deny")).toMatchObject({
      keyId: ids.publicKey.id,
      reason: "ORIGIN_NOT_ALLOWED",
      origin: EVIL_ORIGIN,
      ip: "127.0.0.1",
      assistantId: ids.assistantId,
      callId: null,
    });
    // Newest first, each with an ID and an instant.
    const times = rows.map((r) => String(r.at));
    expect([...times].sort().reverse()).toEqual(times);
    for (const row of rows) {
      expect(row.id).toMatch(/^evt_/);
      expect(row).not.toHaveProperty("orgId");
    }
  });

  it("never holds a secret: no key value, JWT, join token or provider API key in any row", async () => {
    const app = await buildLimitsApp();
    t = app;
    const { secrets } = await everyEvent(app);
    const { rows } = await getAudit(app, "limit=1000");
    expect(rows.length).toBeGreaterThan(15);
    // What the API answers and what is stored at rest.
    const stored = await app.db.selectFrom("audit_events").selectAll().execute();
    expect(stored).toHaveLength(rows.length);
    const texts = [...rows, ...stored].map((row) => JSON.stringify(row));
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(20);
      // The whole value and its secret tail (a short display prefix may be shown by design).
      for (const needle of [secret, secret.slice(-16)])
        for (const text of texts) expect(text.includes(needle), `a secret in ${text}`).toBe(false);
    }
  });

  it("filters by event, key, reason and time, and pages with a cursor", async () => {
    const app = await buildLimitsApp();
    t = app;
    const start = app.clock.now();
    const ids = await everyEvent(app);
    const { rows: all } = await getAudit(app, "limit=1000");

    const byEvent = (await getAudit(app, "event=token.create")).rows;
    expect(byEvent.map((r) => r.keyId).sort()).toEqual([ids.publicKey.id, ids.extra.id].sort());

    const byKey = (await getAudit(app, `keyId=${ids.extra.id}`)).rows;
    expect(byKey.map((r) => r.event)).toEqual(["token.revoke", "token.rotate", "token.create"]);

    const byReason = (await getAudit(app, "reason=ORIGIN_NOT_ALLOWED")).rows;
    expect(byReason.map((r) => r.event)).toEqual(["call.deny"]);

    const combined = (await getAudit(app, `event=call.deny&keyId=${app.org.keyId}`)).rows;
    expect(combined).toEqual([]);

    // `from` is inclusive, `to` exclusive: the first five minutes hold exactly what happened in them.
    const from = new Date(start).toISOString();
    const to = new Date(start + 5 * 60_000).toISOString();
    const early = (await getAudit(app, `from=${from}&to=${to}`)).rows;
    expect(early.length).toBeGreaterThan(0);
    expect(early).toEqual(all.filter((r) => String(r.at) >= from && String(r.at) < to));
    const late = (await getAudit(app, `from=${to}`)).rows;
    expect(early.length + late.length).toBe(all.length);

    // Pages of 3, newest first, every row once.
    const paged: Json[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await getAudit(app, `limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.rows.length).toBeLessThanOrEqual(3);
      paged.push(...page.rows);
      cursor = page.next;
      pages++;
    } while (cursor && pages < 100);
    expect(paged).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 3));

    // A cursor walks a filtered list too.
    const first = await getAudit(app, "event=token.create&limit=1");
    const second = await getAudit(app, `event=token.create&limit=1&cursor=${first.next}`);
    expect([...first.rows, ...second.rows]).toEqual(byEvent);
    expect(second.next).toBeUndefined();
  });

  it.each([
    ["an unknown event", "event=token.explode", "event"],
    ["a reason that is not a code", "reason=DROP%20TABLE", "reason"],
    ["a time that is not one", "from=yesterday", "from"],
    ["a cursor it never issued", "cursor=bm90LWEtY3Vyc29y", "cursor"],
    ["a limit over 1000", "limit=1001", "limit"],
  ])("refuses %s with 400", async (_name, query, field) => {
    const app = await buildLimitsApp();
    t = app;
    const res = await app.app.inject({ method: "GET", url: `/audit?${query}`, headers: bearer(app.org.privateKey) });
    expectError(res, "VALIDATION_FAILED", field.startsWith("cursor") ? "cursor" : `querystring.${field}`);
  });

  it("is private: a public key is refused", async () => {
    const app = await buildLimitsApp();
    t = app;
    const key = await limitedKey(app, {});
    expectError(
      await app.app.inject({ method: "GET", url: "/audit", headers: bearer(key.value) }),
      "PUBLIC_KEY_NOT_ALLOWED_HERE",
    );
  });

  it("shows another org nothing", async () => {
    const app = await buildLimitsApp();
    t = app;
    await everyEvent(app);
    const other = await createOrg(app, "Other");
    const res = await app.app.inject({ method: "GET", url: "/audit", headers: bearer(other.privateKey) });
    expect(res.json()).toEqual([]);
  });
});
