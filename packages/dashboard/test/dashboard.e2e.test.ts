import { generateKeyPairSync } from "node:crypto";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DASHBOARD_DIR,
  type DashboardServer,
  ensureBuilt,
  findChromium,
  launchBrowser,
  startOriginSite,
  startServer,
} from "./harness.ts";

const CHROMIUM = findChromium();
if (!CHROMIUM) console.warn("SKIPPED dashboard browser tests: no Chromium found (install Debian's chromium package).");

// Screenshots go to .tmp/ on every run; `PORTCULLIS_UPDATE_SCREENSHOTS=1 npm test` refreshes the
// committed ones in docs/images/ (so an ordinary test run leaves the tree clean).
const IMAGES = process.env.PORTCULLIS_UPDATE_SCREENSHOTS
  ? resolve(DASHBOARD_DIR, "../../docs/images")
  : resolve(DASHBOARD_DIR, "../../.tmp/screenshots");
const OWNER = { email: "owner@acme.test", password: "correct horse battery" };
const VIEWER = { email: "viewer@acme.test", password: "viewer password 1" };

describe.skipIf(!CHROMIUM)("dashboard in Chromium", () => {
  let server: DashboardServer;
  let allowedSite: Awaited<ReturnType<typeof startOriginSite>>;
  let otherSite: Awaited<ReturnType<typeof startOriginSite>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  // Set by the journey; the bad-input tests use what it created.
  let keyId = "";

  beforeAll(async () => {
    ensureBuilt();
    server = await startServer();
    allowedSite = await startOriginSite("127.0.0.1");
    otherSite = await startOriginSite("localhost");
    browser = await launchBrowser(CHROMIUM as string);
    context = browser.context;
    mkdirSync(IMAGES, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await allowedSite?.close();
    await otherSite?.close();
    await server?.close();
  });

  const dashboard = (path = "") => `${server.url}/dashboard/#/${path}`;

  async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
    await context.clearCookies();
    await page.goto(dashboard("sign-in"));
    await page.getByLabel("Email").fill(who.email);
    await page.getByLabel("Password").fill(who.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Keys", exact: true }).waitFor();
  }

  /**
   * From a page on `origin`: joins a started call's WebSocket, says hello, waits for the
   * assistant's answer and hangs up, as the web SDK would.
   */
  async function talkFrom(origin: string, webCallUrl: string): Promise<string[]> {
    const page = await context.newPage();
    try {
      await page.goto(origin);
      return await page.evaluate(
        (url) =>
          new Promise<string[]>((resolve, reject) => {
            const seen: string[] = [];
            const socket = new WebSocket(url);
            const timer = setTimeout(() => reject(new Error(`no end of call; frames: ${seen.join(" | ")}`)), 8000);
            let said = false;
            socket.onmessage = (event) => {
              const frame = JSON.parse(String(event.data)) as Record<string, string>;
              seen.push(`${frame.type}:${frame.status ?? frame.transcriptType ?? ""}`);
              if (frame.type === "transcript" && frame.transcriptType === "final" && frame.role === "assistant") {
                if (!said) {
                  said = true;
                  socket.send(JSON.stringify({ type: "add-message", message: { role: "user", content: "hello" } }));
                } else socket.send(JSON.stringify({ type: "end-call" }));
              }
              if (frame.type === "status-update" && frame.status === "ended") {
                clearTimeout(timer);
                resolve(seen);
              }
            };
            socket.onerror = () => reject(new Error("the WebSocket failed"));
          }),
        webCallUrl,
      );
    } finally {
      await page.close();
    }
  }

  /** POST /call/web from a page served on `origin`, as that website's script would. */
  async function callFrom(origin: string, publicKey: string, assistantId: string) {
    const page = await context.newPage();
    try {
      await page.goto(origin);
      return await page.evaluate(
        async ({ api, key, assistantId }) => {
          const res = await fetch(`${api}/call/web`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body: JSON.stringify({ assistantId }),
          });
          return {
            status: res.status,
            body: (await res.json()) as { id?: string; code?: string; webCallUrl?: string },
          };
        },
        { api: server.url, key: publicKey, assistantId },
      );
    } finally {
      await page.close();
    }
  }

  it("sets up the owner, restricts a public key, simulates and makes real calls, and shows them", async () => {
    const page = await context.newPage();

    // The one-time setup link creates the owner and signs them in; the first visit teaches.
    await page.goto(server.setupLink);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
    await page.getByLabel("Repeat password").fill(OWNER.password);
    await page.getByRole("button", { name: "Create owner" }).click();
    await page.getByRole("heading", { name: "Browser keys you can publish" }).waitFor();
    await expect(page.locator("pre.snippet").textContent()).resolves.toContain("new Portcullis({ publicKey");

    // Sign out and back in with the password.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await signIn(page, OWNER);

    // An assistant.
    await page.goto(dashboard("assistants/new"));
    await page.getByLabel("Name").fill("Support bot");
    await page.getByLabel("First message").fill("Hello! How can I help?");
    await page.getByLabel("Model provider").fill("script");
    await page.getByRole("button", { name: "Create assistant" }).click();
    await page.waitForURL(/#\/assistants\/asst_/);
    const assistantId = decodeURIComponent(page.url().split("/").pop() ?? "");
    expect(assistantId).toMatch(/^asst_/);

    // A public key, restricted to one origin and that assistant.
    await page.goto(dashboard("keys"));
    await page.getByLabel("Name").fill("Landing page");
    await page.getByLabel("Kind").selectOption("public");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByText("Public key Landing page created").waitFor();
    await expect(page.locator(".warn-badge").count()).resolves.toBe(1);
    await page.getByRole("link", { name: "Landing page" }).click();
    await page.waitForURL(/#\/keys\/key_/);
    keyId = decodeURIComponent(page.url().split("/").at(-1) ?? "");
    await page.getByText("No origin rule: any website can use this key").waitFor();

    const origin = page.locator("input[name=origin]").first();
    await origin.fill(`HTTP://127.0.0.1:${new URL(allowedSite.origin).port}/`);
    await expect(page.locator("[data-role=origin-status]").first().textContent()).resolves.toBe(
      `✓ ${allowedSite.origin}`,
    );
    await page.getByPlaceholder("Search assistants").fill("no such assistant");
    await expect(page.locator(`input[name=assistant][value="${assistantId}"]`).isHidden()).resolves.toBe(true);
    await page.getByPlaceholder("Search assistants").fill("support");
    await page.locator(`input[name=assistant][value="${assistantId}"]`).check();
    await page.getByRole("button", { name: "Save restrictions" }).click();
    await page.getByText("Restrictions saved").waitFor();
    await expect(page.locator(".banner.warn").count()).resolves.toBe(0);
    await page.screenshot({ path: resolve(IMAGES, "restrictions.png"), fullPage: true });

    // The simulator: allowed from the origin, refused from another, with the deciding rule.
    await page.goto(dashboard(`keys/${keyId}/try`));
    // The restrictions tab has a simulator too; wait until the try tab alone is shown.
    await page.getByRole("form", { name: "Restrictions" }).waitFor({ state: "detached" });
    const form = page.getByRole("form", { name: "Try a request" });
    await form.getByLabel("Origin header").fill(allowedSite.origin);
    await form.getByLabel("Saved assistant").selectOption(assistantId);
    await form.getByRole("button", { name: "Try it" }).click();
    await expect(form.locator(".decision").getAttribute("data-decision")).resolves.toBe("allow");
    await form.getByLabel("Origin header").fill(otherSite.origin);
    await form.getByRole("button", { name: "Try it" }).click();
    await form.locator(".decision.deny").waitFor();
    await expect(form.locator(".decision").textContent()).resolves.toMatch(/ORIGIN_NOT_ALLOWED.*origin rule/);
    await page.screenshot({ path: resolve(IMAGES, "try-request.png"), fullPage: true });

    // Real calls from a page on the allowed origin and from one on another origin.
    const key = (await (
      await fetch(`${server.url}/token/${keyId}`, { headers: { authorization: `Bearer ${server.privateKey}` } })
    ).json()) as { value: string };
    const allowed = await callFrom(allowedSite.origin, key.value, assistantId);
    expect(allowed.status).toBe(201);
    await talkFrom(allowedSite.origin, allowed.body.webCallUrl as string);
    const refused = await callFrom(otherSite.origin, key.value, assistantId);
    expect(refused).toMatchObject({ status: 403, body: { code: "ORIGIN_NOT_ALLOWED" } });

    // Both in the activity view: the chart totals, the calls list and the audit log.
    await page.goto(dashboard(`keys/${keyId}/activity`));
    await expect(page.locator("[data-role=totals]").textContent()).resolves.toContain("Allowed 1 · Refused 1");
    await page.locator(`tr[data-call-id="${allowed.body.id}"]`).waitFor();
    await expect(page.locator(`tr[data-call-id="${allowed.body.id}"]`).textContent()).resolves.toContain(
      allowedSite.origin,
    );
    const row = page.locator(`tr[data-call-id="${allowed.body.id}"]`);
    await expect(row.textContent()).resolves.toContain("customer-ended-call");
    await row.getByRole("button", { name: "Transcript" }).click();
    await page.locator(".messages li.user", { hasText: "hello" }).waitFor();
    await expect(page.locator(".messages li.assistant").first().textContent()).resolves.toContain(
      "Hello! How can I help?",
    );
    await page.locator("table.audit").getByText("ORIGIN_NOT_ALLOWED").first().waitFor();
    await expect(page.locator("table.audit").textContent()).resolves.toContain(otherSite.origin);
    await expect(page.getByRole("button", { name: "Older events" }).isHidden()).resolves.toBe(true);
    await expect(page.locator("svg.chart").count()).resolves.toBe(3);
    await page.screenshot({ path: resolve(IMAGES, "activity.png"), fullPage: true });

    // A private key is shown once, with a warning.
    await page.goto(dashboard("keys"));
    await page.getByLabel("Name").fill("Backend");
    await page.getByLabel("Kind").selectOption("private");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByText("This private key is shown once").waitFor();
    await expect(page.locator("pre.secret-value").textContent()).resolves.toMatch(/^pcsk_/);
    await page.screenshot({ path: resolve(IMAGES, "keys.png"), fullPage: true });
    await page.close();
  }, 120_000);

  it("says the password is wrong and stays signed out", async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto(dashboard("sign-in"));
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("INVALID_CREDENTIALS");
    await expect(page.getByRole("heading", { name: "Keys", exact: true }).count()).resolves.toBe(0);
    await page.close();
  });

  it("explains an invalid origin rule as it is typed and saves nothing", async () => {
    const page = await context.newPage();
    await signIn(page, OWNER);
    await page.goto(dashboard(`keys/${keyId}`));
    await page.getByRole("button", { name: "Add origin" }).click();
    const input = page.locator("input[name=origin]").last();
    await input.fill("https://*.vercel.app");
    await expect(page.locator("[data-role=origin-status]").last().textContent()).resolves.toContain(
      "vercel.app is a public suffix",
    );
    await page.getByRole("button", { name: "Save restrictions" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Fix the origin rules before saving");
    const stored = (await (
      await fetch(`${server.url}/token/${keyId}`, { headers: { authorization: `Bearer ${server.privateKey}` } })
    ).json()) as { restrictions: { allowedOrigins: string[] } };
    expect(stored.restrictions.allowedOrigins).toEqual([allowedSite.origin]);
    await page.close();
  });

  it("shows a clear message on a network error and changes nothing", async () => {
    const page = await context.newPage();
    await signIn(page, OWNER);
    await page.goto(dashboard(`keys/${keyId}`));
    await page.locator("input[name=maxConcurrentCalls]").waitFor();
    await page.locator("input[name=maxConcurrentCalls]").fill("5");
    await page.route(`**/token/${keyId}`, (route) =>
      route.request().method() === "PATCH" ? route.abort("connectionrefused") : route.continue(),
    );
    await page.getByRole("button", { name: "Save restrictions" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Could not reach the Portcullis server");
    const stored = (await (
      await fetch(`${server.url}/token/${keyId}`, { headers: { authorization: `Bearer ${server.privateKey}` } })
    ).json()) as { restrictions: { maxConcurrentCalls?: number } };
    expect(stored.restrictions.maxConcurrentCalls).toBeUndefined();
    await page.close();
  });

  it("lets an owner add a viewer, whose edits are refused with a clear message", async () => {
    const page = await context.newPage();
    await signIn(page, OWNER);
    await page.goto(dashboard("org"));
    await page.getByLabel("Email").fill(VIEWER.email);
    await page.getByLabel("Initial password").fill(VIEWER.password);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Add member" }).click();
    await page.getByRole("cell", { name: VIEWER.email }).waitFor();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();

    await signIn(page, VIEWER);
    await page.getByText("You are a viewer").waitFor();
    await page.goto(dashboard(`keys/${keyId}`));
    await page.locator("input[name=maxConcurrentCalls]").fill("7");
    await page.getByRole("button", { name: "Save restrictions" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("ROLE_FORBIDDEN");
    const stored = (await (
      await fetch(`${server.url}/token/${keyId}`, { headers: { authorization: `Bearer ${server.privateKey}` } })
    ).json()) as { restrictions: { maxConcurrentCalls?: number } };
    expect(stored.restrictions.maxConcurrentCalls).toBeUndefined();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.close();
  });

  it("lets an owner change a role (never the last owner's), and a member change their own password", async () => {
    const page = await context.newPage();
    await signIn(page, OWNER);
    await page.goto(dashboard("org"));
    await page.getByLabel(`Role of ${VIEWER.email}`).selectOption("admin");
    await page.getByText(`${VIEWER.email} is now admin.`).waitFor();
    await page.getByLabel(`Role of ${OWNER.email}`).selectOption("viewer");
    await expect(page.getByRole("alert").textContent()).resolves.toContain("LAST_OWNER");
    await expect(page.getByLabel(`Role of ${OWNER.email}`).inputValue()).resolves.toBe("owner");
    await page.getByLabel(`Role of ${VIEWER.email}`).selectOption("viewer");
    await page.getByText(`${VIEWER.email} is now viewer.`).waitFor();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();

    // The (viewer) member changes their password: a wrong current one is refused first.
    const renewed = { ...VIEWER, password: "viewer password 2" };
    await signIn(page, VIEWER);
    await page.goto(dashboard("org"));
    const form = page.getByRole("form", { name: "Change your password" });
    await form.getByLabel("Current password").fill("not the password");
    await form.getByLabel("New password", { exact: true }).fill(renewed.password);
    await form.getByLabel("New password, again").fill(renewed.password);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(form.getByRole("alert").textContent()).resolves.toContain("INVALID_CREDENTIALS");
    await form.getByLabel("Current password").fill(VIEWER.password);
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByText("Password changed.").waitFor();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await signIn(page, renewed);
    await page.getByText("You are a viewer").waitFor();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.close();
  });

  it("lets an owner set a password for a member who lost theirs; their session ends, the new one signs in", async () => {
    const forgetful = { email: "forgetful@acme.test", password: "forgotten password 1" };
    const renewed = { ...forgetful, password: "set by the owner 1" };
    const page = await context.newPage();
    await signIn(page, OWNER);
    await page.goto(dashboard("org"));
    await page.getByLabel("Email").fill(forgetful.email);
    await page.getByLabel("Initial password").fill(forgetful.password);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Add member" }).click();
    const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: forgetful.email, exact: true }) });
    await row.waitFor();
    // The member's open session, which the new password ends.
    const signedIn = await fetch(`${server.url}/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(forgetful),
    });
    const cookie = (signedIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^pc_session=/);
    // Not on the owner's own row: their own password is "Your password", which asks for the current one.
    const ownRow = page.getByRole("row").filter({ has: page.getByRole("cell", { name: OWNER.email, exact: true }) });
    await expect(ownRow.getByRole("button", { name: "Set password" }).count()).resolves.toBe(0);

    await row.getByRole("button", { name: "Set password" }).click();
    const form = page.getByRole("form", { name: `Set a password for ${forgetful.email}` });
    await form.getByLabel(`New password for ${forgetful.email}`).fill("too short");
    // The input has no minlength: the server decides the rule, and its refusal shows in the form.
    await form.getByRole("button", { name: "Set password" }).click();
    await expect(form.getByRole("alert").textContent()).resolves.toContain("VALIDATION_FAILED");
    await form.getByLabel(`New password for ${forgetful.email}`).fill(renewed.password);
    await form.getByRole("button", { name: "Set password" }).click();
    await page.getByText(`${forgetful.email} has a new password. Their 1 open session(s) ended`).waitFor();
    await expect(form.isHidden()).resolves.toBe(true);
    const ended = await fetch(`${server.url}/session`, { headers: { cookie } });
    expect(ended.status).toBe(401);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();

    await page.goto(dashboard("sign-in"));
    await page.getByLabel("Email").fill(forgetful.email);
    await page.getByLabel("Password").fill(forgetful.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("INVALID_CREDENTIALS");
    await signIn(page, renewed);
    await page.getByText("You are a viewer").waitFor();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.close();
  });

  it("shows an assistant's validation error beside its field and creates nothing", async () => {
    const page = await context.newPage();
    await signIn(page, OWNER);
    await page.goto(dashboard("assistants/new"));
    await page.getByLabel("Name").fill("Broken");
    await page.getByLabel("Model provider").fill("no-such-provider");
    await page.getByRole("button", { name: "Create assistant" }).click();
    // The field's error slot is always on the page, empty until the answer comes: wait for its text.
    await page.locator('[data-field="model.provider"]', { hasText: "must be one of" }).waitFor();
    await page.getByRole("alert").filter({ hasText: "VALIDATION_FAILED" }).waitFor();
    const list = (await (
      await fetch(`${server.url}/assistant`, { headers: { authorization: `Bearer ${server.privateKey}` } })
    ).json()) as { name?: string }[];
    expect(list.map((a) => a.name)).not.toContain("Broken");
    await page.close();
  });

  it("sends the user back to sign-in with a clear message when the session has ended", async () => {
    const page = await context.newPage();
    await signIn(page, OWNER);
    await page.goto(dashboard(`keys/${keyId}`));
    await page.locator("input[name=maxConcurrentCalls]").fill("9");
    await context.clearCookies();
    await page.getByRole("button", { name: "Save restrictions" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await expect(page.getByRole("alert").first().textContent()).resolves.toContain("Your session ended");
    await page.close();
  });

  it("shows the CSRF refusal when the header is missing, and changes nothing", async () => {
    const page = await context.newPage();
    await signIn(page, OWNER);
    await page.goto(dashboard(`keys/${keyId}`));
    await page.locator("input[name=maxConcurrentCalls]").fill("11");
    await page.route(`**/token/${keyId}`, (route) => {
      const { "x-csrf-token": _dropped, ...headers } = route.request().headers();
      return route.continue({ headers });
    });
    await page.getByRole("button", { name: "Save restrictions" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("CSRF_TOKEN_INVALID");
    const stored = (await (
      await fetch(`${server.url}/token/${keyId}`, { headers: { authorization: `Bearer ${server.privateKey}` } })
    ).json()) as { restrictions: { maxConcurrentCalls?: number } };
    expect(stored.restrictions.maxConcurrentCalls).toBeUndefined();
    await page.close();
  });

  it("edits every limit of a key and every org setting", async () => {
    const page = await context.newPage();
    await signIn(page, OWNER);
    await page.goto(dashboard(`keys/${keyId}`));
    await page.getByRole("button", { name: "Add rate limit" }).click();
    await page.locator("input[name='rate.requests']").fill("3");
    await page.locator("input[name='rate.windowSeconds']").fill("60");
    await page.locator("select[name='rate.per']").selectOption("ip");
    await page.locator("input[name=maxConcurrentCalls]").fill("4");
    await page.locator("input[name=maxConcurrentCallsPerUser]").fill("1");
    await page.locator("input[name='spendLimit.minutes']").fill("120");
    await page.locator("select[name='spendLimit.period']").selectOption("month");
    await page.locator("input[name='userSpendLimit.minutes']").fill("10");
    await page.locator("input[name=maxCallDurationSeconds]").fill("300");
    await page.locator("input[name=expiresAt]").fill("2031-01-31T00:00:00Z");
    await page.locator("input[name=requireChallenge]").check();
    await page.locator("input[name=override][value=firstMessage]").check();
    await page.locator("input[name=mode][value=report-only]").check();
    await page.getByRole("button", { name: "Save restrictions" }).click();
    await page.getByText("Restrictions saved").waitFor();
    const stored = (await (
      await fetch(`${server.url}/token/${keyId}`, { headers: { authorization: `Bearer ${server.privateKey}` } })
    ).json()) as { restrictions: Record<string, unknown> };
    expect(stored.restrictions).toMatchObject({
      allowedOrigins: [allowedSite.origin],
      rateLimits: [{ requests: 3, windowSeconds: 60, per: "ip" }],
      maxConcurrentCalls: 4,
      maxConcurrentCallsPerUser: 1,
      spendLimit: { minutes: 120, period: "month" },
      userSpendLimit: { minutes: 10, period: "day" },
      maxCallDurationSeconds: 300,
      expiresAt: "2031-01-31T00:00:00.000Z",
      requireChallenge: true,
      allowedOverrides: ["firstMessage", "variableValues"],
      mode: "report-only",
    });

    // Try a request on the report-only key: allowed, as a real request is, and what enforcing refuses.
    await page.goto(dashboard(`keys/${keyId}/try`));
    await page.getByRole("form", { name: "Restrictions" }).waitFor({ state: "detached" });
    const form = page.getByRole("form", { name: "Try a request" });
    await form.getByLabel("Saved assistant").selectOption({ index: 1 });
    await form.getByLabel("Origin header").fill(otherSite.origin);
    await form.getByRole("button", { name: "Try it" }).click();
    const decision = form.locator(".decision");
    await decision.waitFor();
    await expect(decision.getAttribute("data-decision")).resolves.toBe("allow");
    await expect(decision.getAttribute("data-would-deny")).resolves.toBe("ORIGIN_NOT_ALLOWED");
    await expect(decision.textContent()).resolves.toContain(
      "Allowed (report-only) — would be refused: ORIGIN_NOT_ALLOWED by the origin rule",
    );
    await form.getByLabel("Origin header").fill(allowedSite.origin);
    await form.getByRole("button", { name: "Try it" }).click();
    await form.locator(".decision:not(.would-deny)").waitFor();
    await expect(decision.textContent()).resolves.toBe("✓ Allowed (report-only; no rule would refuse)");

    await page.goto(dashboard("org"));
    await page.getByLabel("Longest client token (seconds)").fill("600");
    await page.getByLabel("Concurrent calls (whole org)").fill("50");
    await page.locator("input[name='spendLimit.minutes']").fill("1000");
    await page.getByLabel("Alert webhook URL").fill("https://hooks.acme.test/portcullis");
    await page.getByLabel("Refusal alert threshold").fill("100");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved").waitFor();
    await page.getByText("Webhook signing secret").waitFor();
    const org = (await (
      await fetch(`${server.url}/org`, { headers: { authorization: `Bearer ${server.privateKey}` } })
    ).json()) as Record<string, unknown>;
    expect(org).toMatchObject({
      maxTokenTtlSeconds: 600,
      maxConcurrentCalls: 50,
      spendLimit: { minutes: 1000, period: "day" },
      webhookUrl: "https://hooks.acme.test/portcullis",
      refusalAlertThreshold: 100,
    });
    await page.close();
  });

  it("disables, enables, rotates with a grace period and revokes a key", async () => {
    const page = await context.newPage();
    await signIn(page, OWNER);
    await page.getByLabel("Name").fill("Short-lived");
    await page.getByLabel("Kind").selectOption("public");
    await page.getByRole("button", { name: "Create key" }).click();
    const row = page.locator("tr", { hasText: "Short-lived" });
    await row.waitFor();
    const id = (await row.getAttribute("data-key-id")) as string;
    const read = async () =>
      (await (
        await fetch(`${server.url}/token/${id}`, { headers: { authorization: `Bearer ${server.privateKey}` } })
      ).json()) as { statusCode?: number; value: string; restrictions: { enabled: boolean } };

    await row.getByRole("button", { name: "Disable" }).click();
    await row.getByRole("cell", { name: "disabled" }).waitFor();
    expect((await read()).restrictions.enabled).toBe(false);
    await row.getByRole("button", { name: "Enable" }).click();
    await row.getByRole("cell", { name: "active", exact: true }).waitFor();

    const before = (await read()).value;
    page.once("dialog", (dialog) => void dialog.accept("60"));
    await row.getByRole("button", { name: "Rotate" }).click();
    await page.getByText("Key rotated: Short-lived").waitFor();
    const after = (await read()).value;
    expect(after).not.toBe(before);
    await expect(page.locator("pre.secret-value").textContent()).resolves.toBe(after);

    page.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "Revoke" }).click();
    await page.getByText("Short-lived revoked.").waitFor();
    await page.locator(`tr[data-key-id="${id}"]`).waitFor({ state: "detached" });
    expect((await read()).statusCode).toBe(404);
    await page.close();
  });

  it("registers and deletes a signing key, and explains input that is not a JWK", async () => {
    const page = await context.newPage();
    await signIn(page, OWNER);
    await page.goto(dashboard("signing-keys"));
    const source = page.getByLabel("Public JWK (JSON) or JWKS URL");
    await source.fill("{not json");
    await page.getByRole("button", { name: "Register" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Paste a JWK as JSON");

    const jwk = {
      ...generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" }),
      kid: "backend-2026",
    };
    await page.getByLabel("Name").fill("Backend signer");
    await source.fill(JSON.stringify(jwk));
    await page.getByRole("button", { name: "Register" }).click();
    await page.getByText("Signing key registered.").waitFor();
    const row = page.locator("tr", { hasText: "backend-2026" });
    await expect(row.textContent()).resolves.toContain("Backend signer");

    page.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "Delete" }).click();
    await row.waitFor({ state: "detached" });
    await page.close();
  });

  it("refuses a setup link the second time", async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto(server.setupLink);
    await page.getByLabel("Email").fill("someone@acme.test");
    await page.getByLabel("Password", { exact: true }).fill("another password 1");
    await page.getByLabel("Repeat password").fill("another password 1");
    await page.getByRole("button", { name: "Create owner" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("SETUP_TOKEN_INVALID");
    await page.close();
  });
});
