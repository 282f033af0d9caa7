import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initOrg, json, remote, startServer, type TestServer } from "./harness.ts";

type Key = { id: string; tag: string; value?: string; restrictions: Record<string, unknown> };
type Org = Record<string, unknown>;

const APP = "https://app.example.com";
const LIMIT_FLAGS = [
  "--rate-limit",
  "30/60s:key",
  "--rate-limit",
  "3/min:ip",
  "--rate-limit",
  "100/h:user",
  "--max-concurrent",
  "5",
  "--max-concurrent-per-user",
  "1",
  "--spend-limit",
  "60/day",
  "--user-spend-limit",
  "10/day",
  "--max-call-duration",
  "5m",
  "--expires",
  "2099-01-01T00:00:00Z",
  "--require-challenge",
  "--report-only",
];

let server: TestServer;
let cli: ReturnType<typeof remote>;

beforeAll(async () => {
  server = await startServer();
  cli = remote(server, (await initOrg(server)).privateKey);
});
afterAll(async () => {
  await server?.close();
});

const limitedKey = async () =>
  json<Key>(await cli(["keys", "create", "--public", "--origin", APP, ...LIMIT_FLAGS, "--json"]));

describe("keys create and update with limits", () => {
  it("create sets every limit the flags name, as the API stores them", async () => {
    const key = await limitedKey();
    expect(key.restrictions).toMatchObject({
      mode: "report-only",
      rateLimits: [
        { requests: 30, windowSeconds: 60, per: "key" },
        { requests: 3, windowSeconds: 60, per: "ip" },
        { requests: 100, windowSeconds: 3600, per: "user" },
      ],
      maxConcurrentCalls: 5,
      maxConcurrentCallsPerUser: 1,
      spendLimit: { minutes: 60, period: "day" },
      userSpendLimit: { minutes: 10, period: "day" },
      maxCallDurationSeconds: 300,
      expiresAt: "2099-01-01T00:00:00.000Z",
      requireChallenge: true,
      allowedOrigins: [APP],
    });

    const [shown, listed] = await Promise.all([cli(["keys", "show", key.id]), cli(["keys", "list"])]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/mode\s+report-only/);
    expect(shown.stdout).toMatch(/rate limits\s+30\/min per key, 3\/min per ip, 100\/h per user/);
    expect(shown.stdout).toMatch(/max concurrent\s+5 calls/);
    expect(shown.stdout).toMatch(/max per user\s+1 call at once/);
    expect(shown.stdout).toMatch(/spend cap\s+60 min\/day/);
    expect(shown.stdout).toMatch(/user spend cap\s+10 min\/day per user/);
    expect(shown.stdout).toMatch(/max call\s+5m \(300 s\)/);
    expect(shown.stdout).toMatch(/challenge\s+required/);
    expect(shown.stdout).toMatch(/expires\s+2099-01-01T00:00:00\.000Z \(in \d+ days\)/);

    const row = listed.stdout.split("\n").find((line) => line.startsWith(key.id)) ?? "";
    expect(listed.stdout).toMatch(/STATE.*LIMITS\s+EXPIRES/);
    expect(row).toContain("report-only");
    expect(row).toContain("30/min/key +2, 5 live");
    expect(row).toContain("2099-01-01");
  });

  it("update changes the limits named and clears those negated, keeping the rest", async () => {
    const key = await limitedKey();
    const updated = json<Key>(
      await cli([
        "keys",
        "update",
        key.id,
        "--enforce",
        "--rate-limit",
        "10/min:origin",
        "--no-spend-limit",
        "--no-expires",
        "--no-require-challenge",
        "--no-max-concurrent-per-user",
        "--max-call-duration",
        "90",
        "--json",
      ]),
    );
    expect(updated.restrictions).toMatchObject({
      mode: "enforce",
      rateLimits: [{ requests: 10, windowSeconds: 60, per: "origin" }],
      maxConcurrentCalls: 5,
      userSpendLimit: { minutes: 10, period: "day" },
      maxCallDurationSeconds: 90,
      allowedOrigins: [APP],
    });
    for (const gone of ["spendLimit", "expiresAt", "requireChallenge", "maxConcurrentCallsPerUser"])
      expect(updated.restrictions, gone).not.toHaveProperty(gone);

    const cleared = json<Key>(await cli(["keys", "update", key.id, "--no-rate-limits", "--json"]));
    expect(cleared.restrictions).not.toHaveProperty("rateLimits");
    expect(cleared.restrictions.maxConcurrentCalls).toBe(5);
  });

  it("a private key takes --expires and --disable; browser limits are refused with the field", async () => {
    const made = json<Key>(await cli(["keys", "create", "--private", "--expires", "30d", "--json"]));
    expect(Date.parse(String(made.restrictions.expiresAt)) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const [disabled, refused] = await Promise.all([
      cli(["keys", "update", made.id, "--disable", "--no-expires", "--json"]),
      cli(["keys", "create", "--private", "--rate-limit", "3/min"]),
    ]);
    expect(json<Key>(disabled).restrictions).toMatchObject({ enabled: false });
    expect(json<Key>(disabled).restrictions).not.toHaveProperty("expiresAt");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^Error VALIDATION_FAILED:/);
    expect(refused.stderr).toContain("field: restrictions.rateLimits");
  });

  it("a report-only key lets a call from another origin through, and says so when made", async () => {
    const [created, assistant] = await Promise.all([
      cli(["keys", "create", "--public", "--origin", APP, "--report-only"]),
      cli(["assistants", "create", "--name", "Support", "--json"]),
    ]);
    expect(created.stdout).toMatch(/mode\s+report-only/);
    expect(created.stderr).toContain("Note: report-only");
    const value = created.stdout.match(/pcpk_[0-9A-Za-z]+/)?.[0];
    const started = await fetch(`${server.url}/call/web`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${value}`,
        "content-type": "application/json",
        origin: "https://elsewhere.example.com",
      },
      body: JSON.stringify({ assistantId: json<{ id: string }>(assistant).id }),
    });
    expect(started.status, await started.clone().text()).toBe(201);
  });
});

describe("org settings", () => {
  it("update sets the org-wide limits and alerts, and the --no- forms remove them", async () => {
    const set = json<Org>(
      await cli([
        "org",
        "update",
        "--max-token-ttl",
        "30m",
        "--max-concurrent",
        "20",
        "--spend-limit",
        "600/month",
        "--webhook-url",
        "https://hooks.example.com/portcullis",
        "--refusal-alert",
        "100/5m",
        "--json",
      ]),
    );
    expect(set).toMatchObject({
      maxTokenTtlSeconds: 1800,
      maxConcurrentCalls: 20,
      spendLimit: { minutes: 600, period: "month" },
      webhookUrl: "https://hooks.example.com/portcullis",
      refusalAlertThreshold: 100,
      refusalAlertWindowSeconds: 300,
    });

    const shown = await cli(["org", "show"]);
    expect(shown.stdout).toMatch(/max token TTL\s+1800 s \(30m\)/);
    expect(shown.stdout).toMatch(/max concurrent\s+20 calls, org-wide/);
    expect(shown.stdout).toMatch(/spend cap\s+600 min\/month, org-wide/);
    expect(shown.stdout).toMatch(/webhook\s+https:\/\/hooks\.example\.com\/portcullis/);
    expect(shown.stdout).toMatch(/webhook secret\s+\S+/);
    expect(shown.stdout).toMatch(/refusal alert\s+100 refusals of one key in 5m/);

    const cleared = json<Org>(
      await cli([
        "org",
        "update",
        "--no-max-concurrent",
        "--no-spend-limit",
        "--no-webhook-url",
        "--no-refusal-alert",
        "--json",
      ]),
    );
    expect(cleared).toMatchObject({
      maxTokenTtlSeconds: 1800,
      maxConcurrentCalls: null,
      spendLimit: null,
      webhookUrl: null,
      refusalAlertThreshold: null,
    });
  });
});
