// Compatibility: the published @vapi-ai/web SDK, pointed at Portcullis, starting a web call from a page
// in Chromium. Only its HTTP exchange is checked: after POST /call/web it joins a Daily.co room, which
// does not exist here (Portcullis's webCallUrl is its own WebSocket), so the media join fails offline.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchChromium, SKIP_REASON } from "../../examples/web-app/test/chromium.ts";
import { type Live, startServer } from "../../packages/web/test/live-server.ts";

const executable = chromiumPath();
if (!executable) console.warn(SKIP_REASON);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let server: Live;
let site: Server;
let siteUrl: string;
let bundleDir: string;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let publicKey: string;
let assistantId: string;

beforeAll(async () => {
  if (!executable) return;
  // The SDK exactly as an app would bundle it.
  bundleDir = await mkdtemp(join(tmpdir(), "portcullis-vapi-web-"));
  await build({
    stdin: { contents: 'import Vapi from "@vapi-ai/web"; window.Vapi = Vapi;', resolveDir: ROOT, loader: "js" },
    bundle: true,
    format: "iife",
    platform: "browser",
    define: { "process.env.NODE_ENV": '"production"' },
    outfile: join(bundleDir, "vapi.js"),
    logLevel: "silent",
  });
  const bundle = await readFile(join(bundleDir, "vapi.js"));
  site = createServer((req, res) => {
    if (req.url === "/vapi.js") return res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><script src="/vapi.js"></script>');
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

  server = await startServer();
  ({ id: assistantId } = (await server.admin("POST", "/assistant", { name: "Support", firstMessage: "Hi" })) as {
    id: string;
  });
  publicKey = String(
    (
      await server.admin("POST", "/token", {
        tag: "public",
        name: "Vapi web SDK page",
        restrictions: { allowedOrigins: [siteUrl], allowedAssistantIds: [assistantId] },
      })
    ).value,
  );
  browser = await launchChromium(executable);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

/** Opens the page on `origin`, calls `new Vapi(publicKey, baseUrl).start(assistantId)`, and returns the /call/web exchange. */
async function startFrom(
  origin: string,
  options?: Record<string, unknown>,
): Promise<{ page: Page; response: Response }> {
  const page = await browser.context.newPage();
  await page.goto(`${origin}/`);
  const answered = page.waitForResponse((r) => r.url() === `${server.url}/call/web` && r.request().method() === "POST");
  await page.evaluate(
    ({ key, baseUrl, assistant, options }) => {
      const w = window as unknown as {
        Vapi: new (
          token: string,
          baseUrl: string,
        ) => {
          on(event: string, fn: (e: unknown) => void): void;
          start(id: string, ...rest: unknown[]): Promise<unknown>;
        };
        vapiErrors: unknown[];
      };
      w.vapiErrors = [];
      const vapi = new w.Vapi(key, baseUrl);
      vapi.on("error", (e) => w.vapiErrors.push(JSON.parse(JSON.stringify(e))));
      // Not awaited: after the HTTP exchange it tries to join a Daily.co room.
      void vapi.start(assistant, undefined, undefined, undefined, undefined, options).catch(() => undefined);
    },
    { key: publicKey, baseUrl: server.url, assistant: assistantId, options },
  );
  return { page, response: await answered };
}

describe.skipIf(!executable)("@vapi-ai/web pointed at Portcullis, in Chromium", () => {
  it("an allowed origin gets a call (201) for the request the SDK sends", async () => {
    const { page, response } = await startFrom(siteUrl);
    const request = response.request();
    expect(await request.headerValue("authorization")).toBe(`Bearer ${publicKey}`);
    expect(request.postDataJSON()).toEqual({ assistantId });
    expect(response.status()).toBe(201);
    expect(await response.headerValue("access-control-allow-origin")).toBe(siteUrl);
    const call = (await response.json()) as Record<string, unknown>;
    expect(call).toMatchObject({ type: "webCall", status: "queued", assistantId, origin: siteUrl });
    expect(call.id).toMatch(/^call_/);
    expect(call.webCallUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/call/${call.id}/ws\\?token=`));
    const record = await server.admin("GET", `/call/${call.id}`);
    expect(record).toMatchObject({ id: call.id, origin: siteUrl });
    await page.close();
  });

  it("a refused origin gets our ORIGIN_NOT_ALLOWED body, which the SDK hands to the app's error listener", async () => {
    const other = siteUrl.replace("127.0.0.1", "localhost");
    const { page, response } = await startFrom(other);
    expect(response.status()).toBe(403);
    expect(await response.headerValue("access-control-allow-origin")).toBe(other);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 403, error: "Forbidden", code: "ORIGIN_NOT_ALLOWED" });
    expect(body.requestId).toMatch(/^req_/);
    // @vapi-ai/web throws the fetch Response with the parsed body as `.error`, and emits it on "error".
    await page.waitForFunction(() => (window as unknown as { vapiErrors: unknown[] }).vapiErrors.length > 0);
    const errors = (await page.evaluate(() => (window as unknown as { vapiErrors: unknown[] }).vapiErrors)) as {
      error?: { error?: { code?: string } };
    }[];
    expect(errors.map((e) => e.error?.error?.code)).toContain("ORIGIN_NOT_ALLOWED");
    await page.close();
  });

  it("a Daily.co room option is a field we do not accept: UNKNOWN_FIELD (docs/compatibility.md)", async () => {
    const { page, response } = await startFrom(siteUrl, { roomDeleteOnUserLeaveEnabled: false });
    expect(response.request().postDataJSON()).toEqual({ assistantId, roomDeleteOnUserLeaveEnabled: false });
    expect(response.status()).toBe(400);
    expect(await response.json()).toMatchObject({ code: "UNKNOWN_FIELD", field: "roomDeleteOnUserLeaveEnabled" });
    await page.close();
  });
});
