import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initOrg, json, runCli, startServer, type TestServer } from "./harness.ts";

type Member = { id: string; orgId: string; email: string; role: string; previousRole?: string };
type Browser = { cookie: string; csrfToken: string; memberId: string };

const OWNER = { email: "owner@cli.test", password: "owner long password" };
const VIEWER = { email: "viewer@cli.test", password: "viewer long password" };

let server: TestServer;
let orgId: string;
let owner: Browser;
let viewer: Browser;

async function browserFrom(res: Response): Promise<Browser> {
  expect(res.status).toBe(200);
  const body = (await res.json()) as { csrfToken: string; member: { id: string } };
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { cookie, csrfToken: body.csrfToken, memberId: body.member.id };
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

const sessionOf = async (b: Browser) =>
  (await (await fetch(`${server.url}/session`, { headers: { cookie: b.cookie } })).json()) as {
    member: { role: string };
  };

const members = (args: string[]) => runCli(["members", ...args, "--data", server.dataDir]);

// An org with an owner (through its setup link) and a signed-in viewer, made through the API.
beforeAll(async () => {
  server = await startServer();
  const made = json<{ org: { id: string }; setupLink: string }>(
    await runCli(["init", "--data", server.dataDir, "--name", "Members", "--json"]),
  );
  orgId = made.org.id;
  const token = new URL(made.setupLink.replace("#/setup", "setup")).searchParams.get("token");
  owner = await browserFrom(await post("/session/setup", { token, ...OWNER }));
  const added = await post(
    "/member",
    { ...VIEWER, role: "viewer" },
    { cookie: owner.cookie, "x-csrf-token": owner.csrfToken },
  );
  expect(added.status).toBe(201);
  viewer = await browserFrom(await post("/session", VIEWER));
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe("portcullis members", () => {
  it("list shows each org's members and roles, never a password hash", async () => {
    await initOrg(server, "No members yet");
    const listed = await members(["list", "--json"]);
    const rows = json<Member[]>(listed);
    expect(rows.map((m) => [m.email, m.role, m.orgId])).toEqual([
      [OWNER.email, "owner", orgId],
      [VIEWER.email, "viewer", orgId],
    ]);
    expect(listed.stdout).not.toContain("scrypt");
    expect(json<Member[]>(await members(["list", "--org", orgId, "--json"]))).toHaveLength(2);
    const table = await members(["list"]);
    expect(table.stdout).toMatch(new RegExp(`^${viewer.memberId} +${orgId} +${VIEWER.email} +viewer `, "m"));
  });

  it("update --role changes a role at once, also for the member's open session, and audits it", async () => {
    const updated = json<Member>(await members(["update", viewer.memberId, "--role", "admin", "--json"]));
    expect(updated).toMatchObject({ id: viewer.memberId, role: "admin", previousRole: "viewer" });
    expect((await sessionOf(viewer)).member.role).toBe("admin");
    const text = await members(["update", viewer.memberId, "--role", "viewer"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${VIEWER.email} (${viewer.memberId}) is now viewer (was admin)`);
    expect((await sessionOf(viewer)).member.role).toBe("viewer");
    const audit = (await (
      await fetch(`${server.url}/audit?event=member.update`, { headers: { cookie: owner.cookie } })
    ).json()) as { actorKeyId: string | null; details: { via?: string; role: string } }[];
    expect(audit.map((e) => [e.details.role, e.details.via, e.actorKeyId])).toEqual([
      ["viewer", "cli", null],
      ["admin", "cli", null],
    ]);
  });

  it("refuses to demote the last owner: Error LAST_OWNER, exit 1, nothing changed", async () => {
    const result = await members(["update", owner.memberId, "--role", "admin"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error LAST_OWNER:/);
    expect((await sessionOf(owner)).member.role).toBe("owner");
  });

  it("an unknown member is NOT_FOUND (exit 1); a role that is not one is a usage error (exit 2)", async () => {
    const unknown = await members(["update", "mem_nobody", "--role", "admin"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^Error NOT_FOUND:/);
    const badRole = await members(["update", viewer.memberId, "--role", "superuser"]);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/Allowed choices are owner, admin, viewer/);
    const noRole = await members(["update", viewer.memberId]);
    expect(noRole.code).toBe(2);
  });

  describe("set-password", () => {
    type Reset = Member & { sessionsEnded: number; password?: string };
    const signInStatus = async (email: string, password: string) =>
      (await post("/session", { email, password })).status;
    const setPassword = (args: string[], env: Record<string, string> = {}, input?: string) =>
      runCli(["members", "set-password", ...args, "--data", server.dataDir], env, input);
    /** A new viewer, signed in twice (two browsers); their password is VIEWER.password's pattern. */
    async function newViewer(email: string): Promise<{ browsers: Browser[]; password: string }> {
      const password = `${email} first password`;
      const added = await post(
        "/member",
        { email, password, role: "viewer" },
        { cookie: owner.cookie, "x-csrf-token": owner.csrfToken },
      );
      expect(added.status).toBe(201);
      return {
        browsers: [
          await browserFrom(await post("/session", { email, password })),
          await browserFrom(await post("/session", { email, password })),
        ],
        password,
      };
    }
    const sessionStatus = async (b: Browser) =>
      (await fetch(`${server.url}/session`, { headers: { cookie: b.cookie } })).status;

    it("reads the new password from stdin, ends every session of the member, audits via cli", async () => {
      const email = "stdin@cli.test";
      const { browsers, password } = await newViewer(email);
      const next = "piped in from stdin";
      const result = await setPassword([browsers[0]?.memberId ?? "", "--json"], {}, `${next}\n`);
      expect(json<Reset>(result)).toMatchObject({ id: browsers[0]?.memberId, email, role: "viewer", sessionsEnded: 2 });
      expect(result.stdout).not.toContain(next);
      for (const b of browsers) expect(await sessionStatus(b)).toBe(401);
      expect(await signInStatus(email, password)).toBe(401);
      expect(await signInStatus(email, next)).toBe(200);
      expect(await sessionStatus(owner)).toBe(200);
      const audit = (await (
        await fetch(`${server.url}/audit?event=member.password-reset`, { headers: { cookie: owner.cookie } })
      ).json()) as { actorKeyId: string | null; targetId: string; details: Record<string, unknown> }[];
      const row = audit.find((e) => e.targetId === browsers[0]?.memberId);
      expect(row).toMatchObject({ actorKeyId: null, details: { via: "cli", sessionsEnded: 2 } });
      expect(JSON.stringify(audit)).not.toContain(next);
    });

    it("reads it from the variable --password-env names, and says so in text", async () => {
      const email = "env@cli.test";
      const { browsers } = await newViewer(email);
      const id = browsers[0]?.memberId ?? "";
      const next = "from the environment";
      const result = await setPassword([id, "--password-env", "NEW_MEMBER_PASSWORD"], { NEW_MEMBER_PASSWORD: next });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`${email} (${id}) has a new password; 2 session(s) of theirs ended.`);
      expect(result.stdout).not.toContain(next);
      expect(await signInStatus(email, next)).toBe(200);
      const unset = await setPassword([id, "--password-env", "NO_SUCH_VARIABLE_SET"]);
      expect(unset.code).toBe(2);
      expect(unset.stderr).toContain("NO_SUCH_VARIABLE_SET");
      expect(await signInStatus(email, next)).toBe(200);
    });

    it("--generate makes a strong password and prints it once; it signs the member in", async () => {
      const email = "generated@cli.test";
      const { browsers, password } = await newViewer(email);
      const made = json<Reset>(await setPassword([browsers[0]?.memberId ?? "", "--generate", "--json"]));
      expect(made.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(made.sessionsEnded).toBe(2);
      expect(await signInStatus(email, made.password ?? "")).toBe(200);
      expect(await signInStatus(email, password)).toBe(401);
      const text = await setPassword([browsers[0]?.memberId ?? "", "--generate"]);
      expect(text.code, text.stderr).toBe(0);
      const shown = /Password \(shown once; hand it over privately\): (\S+)$/m.exec(text.stdout)?.[1] ?? "";
      expect(shown).not.toBe(made.password);
      expect(await signInStatus(email, shown)).toBe(200);
    });

    it("refuses an unknown member (NOT_FOUND, exit 1), a short password (exit 1), no password and both sources (exit 2)", async () => {
      const unknown = await setPassword(["mem_nobody"], {}, "a long enough password");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^Error NOT_FOUND:/);
      const short = await setPassword([viewer.memberId], {}, "too short");
      expect(short.code).toBe(1);
      expect(short.stderr).toMatch(/^Error VALIDATION_FAILED:/);
      const empty = await setPassword([viewer.memberId], {}, "");
      expect(empty.code).toBe(2);
      const both = await setPassword([viewer.memberId, "--generate", "--password-env", "X"], {
        X: "a long enough password",
      });
      expect(both.code).toBe(2);
      // Nothing changed: the viewer's password and session are as they were.
      expect(await signInStatus(VIEWER.email, VIEWER.password)).toBe(200);
      expect(await sessionStatus(viewer)).toBe(200);
    });
  });
});
