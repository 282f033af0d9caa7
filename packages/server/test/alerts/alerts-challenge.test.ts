import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { solveChallenge } from "altcha-lib/v1";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, createCipher, createOrgWithKey, KyselyStore, openSqlite } from "../../src/index.ts";

type Delivery = { body: Record<string, unknown>; raw: string; signature: string };

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A local webhook receiver that answers `statuses` in turn (then 200) and records every delivery. */
async function receiver(statuses: number[] = []) {
  const deliveries: Delivery[] = [];
  let attempts = 0;
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const status = statuses[attempts++] ?? 200;
      if (status === 200)
        deliveries.push({ body: JSON.parse(raw), raw, signature: String(req.headers["portcullis-signature"]) });
      res.statusCode = status;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries,
    attempts: () => attempts,
  };
}

async function setup() {
  const store = new KyselyStore(await openSqlite(":memory:"));
  const cipher = createCipher(randomBytes(32));
  const app = await createApp({
    store,
    cipher,
    config: { publicUrl: "http://localhost:8787", keyCacheSize: 100, keyCacheTtlSeconds: 30 },
    decisionFlushMs: 3_600_000,
    webhooks: { retryDelaysMs: [20, 20], timeoutMs: 1000 },
  });
  const { privateKey } = await createOrgWithKey(store, cipher, { name: "Alerts", at: new Date().toISOString() });
  const auth = { authorization: `Bearer ${privateKey}` };
  const assistant = (
    await app.inject({
      method: "POST",
      url: "/assistant",
      headers: auth,
      payload: { name: "A", maxDurationSeconds: 60 },
    })
  ).json();
  const publicKey = async (restrictions: Record<string, unknown>) =>
    (
      await app.inject({ method: "POST", url: "/token", headers: auth, payload: { tag: "public", restrictions } })
    ).json();
  const start = (key: string, origin = "https://app.example.com", extra: Record<string, unknown> = {}) =>
    app.inject({
      method: "POST",
      url: "/call/web",
      headers: { authorization: `Bearer ${key}`, origin },
      payload: { assistantId: assistant.id, ...extra },
    });
  return { app, auth, publicKey, start };
}

const waitFor = async (check: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe("alert webhooks", () => {
  it("sends the 80% and 100% spend alerts once each, signed with the org's webhook secret", async () => {
    const { app, auth, publicKey, start } = await setup();
    const hook = await receiver();
    const org = (
      await app.inject({ method: "PATCH", url: "/org", headers: auth, payload: { webhookUrl: hook.url } })
    ).json();
    expect(org.webhookSecret).toMatch(/^whsec_/);
    const key = await publicKey({ spendLimit: { minutes: 2, period: "day" } });
    expect((await start(key.value)).statusCode).toBe(201); // 50%: no alert
    expect((await start(key.value)).statusCode).toBe(201); // 100%: both thresholds crossed
    expect((await start(key.value)).json().code).toBe("SPEND_LIMIT_REACHED");
    await waitFor(() => hook.deliveries.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const percents = hook.deliveries.map((d) => d.body.percent).sort();
    expect(percents).toEqual([100, 80]);
    for (const delivery of hook.deliveries) {
      expect(delivery.body).toMatchObject({ type: "spend.threshold", keyId: key.id, capSeconds: 120 });
      const [t, v1] = delivery.signature.split(",");
      const expected = createHmac("sha256", org.webhookSecret)
        .update(`${t?.slice(2)}.${delivery.raw}`)
        .digest("hex");
      expect(v1).toBe(`v1=${expected}`);
      expect(delivery.raw).not.toContain(key.value);
    }
    await app.close();
  });

  it("alerts once when one key's refusals reach the threshold within the window", async () => {
    const { app, auth, publicKey, start } = await setup();
    const hook = await receiver();
    await app.inject({
      method: "PATCH",
      url: "/org",
      headers: auth,
      payload: { webhookUrl: hook.url, refusalAlertThreshold: 5 },
    });
    const key = await publicKey({ allowedOrigins: ["https://app.example.com"] });
    for (let i = 0; i < 4; i++) await start(key.value, "https://evil.example");
    await app.decisions.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hook.deliveries).toHaveLength(0);
    for (let i = 0; i < 6; i++) await start(key.value, "https://evil.example");
    await app.decisions.flush();
    await waitFor(() => hook.deliveries.length >= 1);
    expect(hook.deliveries[0]?.body).toMatchObject({ type: "refusals.threshold", keyId: key.id, refused: 10 });
    await app.decisions.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hook.deliveries).toHaveLength(1);
    await app.close();
  });

  it("retries a failing endpoint with backoff, then delivers", async () => {
    const { app, auth, publicKey, start } = await setup();
    const hook = await receiver([500, 503]);
    await app.inject({ method: "PATCH", url: "/org", headers: auth, payload: { webhookUrl: hook.url } });
    const key = await publicKey({ spendLimit: { minutes: 1, period: "day" } });
    expect((await start(key.value)).statusCode).toBe(201);
    await waitFor(() => hook.deliveries.length >= 2);
    expect(hook.attempts()).toBeGreaterThanOrEqual(4);
    expect(hook.deliveries.map((d) => d.body.percent).sort()).toEqual([100, 80]);
    await app.close();
  });
});

describe("proof-of-work challenge", () => {
  const solve = async (challenge: {
    algorithm: string;
    challenge: string;
    maxnumber: number;
    salt: string;
    signature: string;
  }) => {
    const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber)
      .promise;
    if (!solution) throw new Error("unsolved");
    const payload = { ...challenge, number: solution.number };
    return {
      right: Buffer.from(JSON.stringify(payload)).toString("base64"),
      wrong: Buffer.from(JSON.stringify({ ...payload, number: solution.number + 1 })).toString("base64"),
    };
  };

  it("is required, verified, single-use, and refused when wrong or garbage", async () => {
    const { app, publicKey, start } = await setup();
    const key = await publicKey({ requireChallenge: true });
    expect((await start(key.value)).json().code).toBe("CHALLENGE_REQUIRED");
    const issued = await app.inject({
      method: "GET",
      url: "/challenge",
      headers: { origin: "https://app.example.com" },
    });
    expect(issued.statusCode).toBe(200);
    expect(issued.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(issued.headers["cache-control"]).toBe("no-store");
    const { right, wrong } = await solve(issued.json());
    expect((await start(key.value, undefined, { challenge: wrong })).json().code).toBe("CHALLENGE_INVALID");
    expect((await start(key.value, undefined, { challenge: "not base64 json" })).json().code).toBe("CHALLENGE_INVALID");
    expect((await start(key.value, undefined, { challenge: right })).statusCode).toBe(201);
    expect((await start(key.value, undefined, { challenge: right })).json().code).toBe("CHALLENGE_INVALID");
    await app.close();
  }, 30_000);

  it("is checked after the origin rule: a refused origin learns nothing about the challenge", async () => {
    const { app, publicKey, start } = await setup();
    const key = await publicKey({ requireChallenge: true, allowedOrigins: ["https://app.example.com"] });
    expect((await start(key.value, "https://evil.example")).json().code).toBe("ORIGIN_NOT_ALLOWED");
    await app.close();
  });

  it("a key without requireChallenge ignores no challenge", async () => {
    const { app, publicKey, start } = await setup();
    const key = await publicKey({});
    expect((await start(key.value)).statusCode).toBe(201);
    await app.close();
  });
});
