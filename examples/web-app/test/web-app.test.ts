import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExampleStack, startExample } from "../start.ts";
import { chromiumPath, launchChromium, SKIP_REASON } from "./chromium.ts";

const executable = chromiumPath();
if (!executable) console.warn(SKIP_REASON);
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

let stack: ExampleStack;
let browser: { context: BrowserContext; close(): Promise<void> };
beforeAll(async () => {
  if (!executable) return;
  // The page loads the built SDK (packages/web/dist), exactly as a published package would ship it.
  execFileSync("npm", ["run", "build", "-w", "@portcullis/web"], { cwd: ROOT, stdio: "ignore" });
  stack = await startExample({ portcullisPort: 0, examplePort: 0 });
  browser = await launchChromium(executable);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function openPage(origin: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.goto(`${origin}/`);
  await page.locator("#assistant-id").filter({ hasText: "asst_" }).waitFor();
  return page;
}

/** The n-th (1-based) line of the call log of a kind, once it appears. */
async function line(page: Page, kind: string, n = 1): Promise<string> {
  const item = page.locator(`#log li[data-kind="${kind}"]`).nth(n - 1);
  await item.waitFor({ timeout: 15_000 });
  return (await item.textContent()) ?? "";
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill("#text", text);
  await page.click("#send");
}

async function callRecord(id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.portcullisUrl}/call/${id}`, {
    headers: { authorization: `Bearer ${stack.privateKey}` },
  });
  return (await res.json()) as Record<string, unknown>;
}

function callIdOf(statusLine: string): string {
  const id = /call_[A-Za-z0-9]+/.exec(statusLine)?.[0];
  if (!id) throw new Error(`no call ID in "${statusLine}"`);
  return id;
}

describe.skipIf(!executable)("examples/web-app in Chromium", () => {
  it("starts a call with the public key on its allowed origin, talks, and ends it", async () => {
    const page = await openPage(stack.exampleUrl);
    await page.click("#start-key");
    expect(await line(page, "assistant")).toBe("Hello Ada! Ask me about prices.");
    await say(page, "What does it cost?");
    expect(await line(page, "user")).toBe("What does it cost?");
    expect(await line(page, "assistant", 2)).toBe("Plans start at 5 euros a month, Ada.");
    await page.click("#end");
    expect(await line(page, "status", 2)).toBe("Call ended (customer-ended-call)");

    const call = await callRecord(callIdOf(await line(page, "status", 1)));
    expect(call).toMatchObject({ status: "ended", endedReason: "customer-ended-call", origin: stack.exampleUrl });
    expect(call.transcript).toBe(
      "AI: Hello Ada! Ask me about prices.\nUser: What does it cost?\nAI: Plans start at 5 euros a month, Ada.",
    );
    await page.close();
  });

  it("the same page on another origin gets a PortcullisError with ORIGIN_NOT_ALLOWED", async () => {
    const page = await openPage(stack.exampleUrl.replace("127.0.0.1", "localhost"));
    await page.click("#start-key");
    expect(await line(page, "error")).toMatch(/^Refused: ORIGIN_NOT_ALLOWED — /);
    // The SDK read the refusal body across origins: every /call/web answer carries CORS headers.
    // A string, not a function: the test runner would rewrite a function's import() for Node.
    const error = (await page.evaluate(`(async () => {
      const { Portcullis } = await import("/sdk/index.js");
      try {
        await new Portcullis(${JSON.stringify({ publicKey: stack.publicKey, baseUrl: stack.portcullisUrl })}).start("asst_x");
      } catch (e) {
        return { name: e.name, code: e.code, status: e.status, requestId: e.requestId };
      }
    })()`)) as Record<string, unknown> | undefined;
    expect(error).toMatchObject({ name: "PortcullisError", code: "ORIGIN_NOT_ALLOWED", status: 403 });
    expect(error?.requestId).toMatch(/^req_/);
    await page.close();
  });

  it("refuses the public key for an assistant it was not given with ASSISTANT_NOT_ALLOWED", async () => {
    const page = await openPage(stack.exampleUrl);
    await page.click("#start-refused");
    expect(await line(page, "error")).toMatch(/^Refused: ASSISTANT_NOT_ALLOWED — /);
    await page.close();
  });

  it("starts a call with a token from getToken once logged in", async () => {
    const page = await openPage(stack.exampleUrl);
    await page.click("#start-token");
    expect(await line(page, "error")).toMatch(/^Refused: TOKEN_UNAVAILABLE — .*Log in first/);
    await page.click("#login");
    expect(await line(page, "status")).toBe("Logged in as Ada");
    await page.click("#start-token");
    expect(await line(page, "assistant")).toBe("Hello Ada! Ask me about prices.");
    await say(page, "Any prices?");
    expect(await line(page, "assistant", 2)).toBe("Plans start at 5 euros a month, Ada.");
    // "goodbye" is one of the assistant's end-call phrases: the assistant ends this call.
    await say(page, "bye");
    expect(await line(page, "assistant", 3)).toBe("Goodbye!");
    expect(await line(page, "status", 3)).toBe("Call ended (assistant-ended-call)");

    const call = await callRecord(callIdOf(await line(page, "status", 2)));
    expect(call).toMatchObject({ status: "ended", userId: "user_ada", origin: stack.exampleUrl });
    await page.close();
  });

  it("refuses a private key in the browser before sending anything", async () => {
    const page = await openPage(stack.exampleUrl);
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    const code = await page.evaluate(`(async () => {
      const { Portcullis } = await import("/sdk/index.js");
      try {
        new Portcullis({ publicKey: "pcsk_0123456789", baseUrl: "http://127.0.0.1:1" });
      } catch (e) {
        return e.code;
      }
    })()`);
    expect(code).toBe("PRIVATE_KEY_IN_BROWSER");
    expect(requests.filter((url) => !url.includes("/sdk/"))).toEqual([]);
    await page.close();
  });

  it("solves a proof-of-work challenge with crypto.subtle when the key requires one", async () => {
    const res = await fetch(`${stack.portcullisUrl}/token`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.privateKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        tag: "public",
        name: "challenge page",
        restrictions: { allowedOrigins: [stack.exampleUrl], requireChallenge: true },
      }),
    });
    const { value } = (await res.json()) as { value: string };
    const page = await openPage(stack.exampleUrl);
    const paths: string[] = [];
    page.on("request", (request) => paths.push(`${request.method()} ${new URL(request.url()).pathname}`));
    const result = (await page.evaluate(`(async () => {
      const { Portcullis } = await import("/sdk/index.js");
      const client = new Portcullis(${JSON.stringify({ publicKey: value, baseUrl: stack.portcullisUrl })});
      const call = await client.start(${JSON.stringify(stack.assistantId)}, { variableValues: { name: "Bo" } });
      const first = await new Promise((resolve) => call.on("transcript", (t) => t.role === "assistant" && resolve(t.transcript)));
      await call.end();
      return { id: call.id, first, status: call.status };
    })()`)) as { id: string; first: string; status: string };
    expect(result).toMatchObject({ first: "Hello Bo! Ask me about prices.", status: "ended" });
    expect(paths.filter((p) => !p.startsWith("GET /sdk/") && !p.startsWith("OPTIONS"))).toEqual([
      "POST /call/web",
      "GET /challenge",
      "POST /call/web",
    ]);
    expect((await callRecord(result.id)).status).toBe("ended");
    await page.close();
  });
});
