import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fill, ROOT, sample } from "./lib/doc-samples.ts";
import { runShellSample } from "./lib/run-sample.ts";
import { type LocalServer, startLocalServer } from "./lib/servers.ts";

/** docs/limits.md: the landing-page key, created with curl and with the CLI, enforced; the audit and stats queries. */

const DOC = "docs/limits.md";

let server: LocalServer;
let assistantId: string;
beforeEach(async () => {
  server = await startLocalServer({ decisionFlushMs: 50 });
  ({ id: assistantId } = await server.admin<{ id: string }>("POST", "/assistant", { name: "Landing" }));
});
afterEach(() => server.close());

/** The worked example's restrictions, for this server's assistant. */
const landingPage = () => JSON.parse(fill(sample(DOC, "landing-page").code, { asst_landing: assistantId }));

/** A shell sample as a reader runs it after the README's walk-through: `$PK` set, the CLI on the PATH. */
const runShell = (code: string) =>
  runShellSample(code.replaceAll("localhost:8787", `localhost:${server.port}`), {
    PATH: `${ROOT}node_modules/.bin:${process.env.PATH}`,
    PK: server.privateKey,
    PORTCULLIS_API_KEY: server.privateKey,
    PORTCULLIS_URL: server.url,
    NO_COLOR: "1",
  });

type Key = { id: string; name: string; value: string; restrictions: Record<string, unknown> };

describe("docs/limits.md", () => {
  it("landing-page: a key the API accepts and enforces: origin, challenge, then 3 starts a minute per IP", async () => {
    const restrictions = landingPage();
    const created = await server.admin<Key>("POST", "/token", { tag: "public", restrictions });
    expect(created.restrictions).toMatchObject(restrictions);
    const start = (origin: string) => server.webCall(created.value, origin, { assistantId });
    expect((await start("https://evil.example")).body.code).toBe("ORIGIN_NOT_ALLOWED");
    expect((await start("https://www.example.com")).body.code).toBe("CHALLENGE_REQUIRED");
  });

  it("create-key: curl with the object above and the CLI line save the same restrictions", {
    timeout: 60_000,
  }, async () => {
    const code = fill(sample(DOC, "create-key").code, { asst_landing: assistantId });
    const [curl, cli] = code.split("# or:\n");
    const answer = await runShell(fill(curl as string, { "{ …the object above… }": JSON.stringify(landingPage()) }));
    const byCurl = JSON.parse(answer.stdout) as Key;
    expect(byCurl).toMatchObject({ name: "Landing page", restrictions: landingPage() });

    await runShell(cli as string);
    const keys = await server.admin<Key[]>("GET", "/token");
    const byCli = keys.find((key) => key.name === "Landing page" && key.id !== byCurl.id);
    expect(byCli?.restrictions).toEqual(byCurl.restrictions);
  });

  it("audit: the refusals of a key, and its statistics", { timeout: 60_000 }, async () => {
    const key = await server.admin<Key>("POST", "/token", { tag: "public", restrictions: landingPage() });
    await server.webCall(key.value, "https://evil.example", { assistantId });
    // Refusals are written as aggregates every few seconds (here every 50 ms).
    await new Promise((resolve) => setTimeout(resolve, 300));

    // One command a line; curl prints no newline after its answer, so each runs on its own.
    const lines = fill(sample(DOC, "audit").code, { "key_…": key.id }).trim().split("\n");
    expect(lines).toHaveLength(2);
    const [audit, stats] = await Promise.all(lines.map(async (line) => (await runShell(line)).stdout));
    expect(JSON.parse(audit as string)).toEqual([
      expect.objectContaining({ event: "call.deny", keyId: key.id, reason: "ORIGIN_NOT_ALLOWED" }),
    ]);
    expect(JSON.parse(stats as string)).toMatchObject({
      keyId: key.id,
      totals: { allowed: 0, refused: 1 },
      byReason: { ORIGIN_NOT_ALLOWED: 1 },
    });
  });
});

/** The "The fields" table: each field with its example value, as JSON. */
function fieldTable(): [string, unknown][] {
  const text = readFileSync(join(ROOT, DOC), "utf8");
  const section = text.slice(text.indexOf("## The fields"), text.indexOf("## How they are enforced"));
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [field, example] = line
        .split("|")
        .slice(1, 3)
        .map((cell) => /`([^`]+)`/.exec(cell)?.[1] ?? "");
      return [field as string, JSON.parse(example as string)];
    });
}

describe("docs/limits.md fields", () => {
  it("has the table", () => {
    expect(fieldTable().map(([field]) => field)).toEqual([
      "rateLimits",
      "maxConcurrentCalls",
      "maxConcurrentCallsPerUser",
      "spendLimit",
      "userSpendLimit",
      "maxCallDurationSeconds",
      "expiresAt",
      "requireChallenge",
      "mode",
    ]);
  });

  it.each(fieldTable())("%s: the example is accepted on a public key", async (field, example) => {
    const key = await server.admin<Key>("POST", "/token", { tag: "public", restrictions: { [field]: example } });
    // A time is saved in its canonical form (with milliseconds): the same instant.
    const same = (value: unknown) => (field === "expiresAt" ? Date.parse(String(value)) : value);
    expect(same(key.restrictions[field])).toEqual(same(example));
  });
});
