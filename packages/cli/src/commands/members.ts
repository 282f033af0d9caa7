import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ERROR_CATALOG } from "@portcullis/core";
import { type Command, Option } from "commander";
import { ApiError, CliError } from "../errors.ts";
import { type DataOptions, withData } from "../options.ts";
import { print, printJson, printTable } from "../output.ts";
import { readSecret } from "../secret-input.ts";

type Role = "owner" | "admin" | "viewer";
const ROLES: readonly Role[] = ["owner", "admin", "viewer"];

// Imported when a command runs: the server costs about a second to load (see orgs.ts).
const server = () => import("@portcullis/server");

/**
 * The data directory's store. Members hold no secret the master key protects, so none is needed;
 * a missing database is an error rather than a new, empty one made by a typo in --data.
 */
async function openStore(options: DataOptions) {
  const { KyselyStore, openSqlite, sqlitePath } = await server();
  const file = sqlitePath(resolve(options.data));
  if (!existsSync(file))
    throw new CliError(`No database at ${file}. Run 'portcullis init --data ${options.data}' first.`);
  return new KyselyStore(await openSqlite(file));
}

const refusal = (
  code: "NOT_FOUND" | "LAST_OWNER" | "VALIDATION_FAILED",
  message: string = ERROR_CATALOG[code].message,
) => new ApiError(ERROR_CATALOG[code].status, code, message);

type Store = Awaited<ReturnType<typeof openStore>>;

/** The org of a member: member IDs are unique across orgs, but the store reads members per org. */
async function orgOfMember(store: Store, id: string): Promise<string> {
  for (const org of await store.listOrgs()) if (await store.getMember(org.id, id)) return org.id;
  throw refusal("NOT_FOUND", `No member ${id} in this data directory.`);
}

async function listMembers(options: DataOptions & { org?: string }): Promise<void> {
  const store = await openStore(options);
  try {
    const orgs = (await store.listOrgs()).filter((org) => options.org === undefined || org.id === options.org);
    if (options.org !== undefined && orgs.length === 0)
      throw refusal("NOT_FOUND", `No org ${options.org} in this data directory.`);
    const rows = (await Promise.all(orgs.map((org) => store.listMembers(org.id)))).flat().map((m) => ({
      id: m.id,
      orgId: m.orgId,
      email: m.email,
      role: m.role,
      createdAt: m.createdAt,
    }));
    if (options.json) return printJson(rows);
    if (rows.length === 0) return print("No members. Each org's setup link creates its owner.");
    printTable(rows, [
      { header: "ID", value: (m) => m.id },
      { header: "ORG", value: (m) => m.orgId },
      { header: "EMAIL", value: (m) => m.email },
      { header: "ROLE", value: (m) => m.role },
      { header: "CREATED", value: (m) => m.createdAt },
    ]);
  } finally {
    await store.close();
  }
}

async function updateMember(id: string, options: DataOptions & { role: Role }): Promise<void> {
  const { changeMemberRole, systemClock } = await server();
  const store = await openStore(options);
  try {
    const orgId = await orgOfMember(store, id);
    const result = await changeMemberRole(store, systemClock, orgId, id, options.role, { operator: true });
    if (!result.ok) throw refusal(result.code === "LAST_OWNER" ? "LAST_OWNER" : "NOT_FOUND");
    const { member, previousRole } = result;
    if (options.json)
      return printJson({ id: member.id, orgId: member.orgId, email: member.email, role: member.role, previousRole });
    print(
      member.role === previousRole
        ? `${member.email} (${member.id}) is already ${member.role}.`
        : `${member.email} (${member.id}) is now ${member.role} (was ${previousRole}); their open sessions have the new role.`,
    );
  } finally {
    await store.close();
  }
}

type SetPasswordOptions = DataOptions & { passwordEnv?: string; generate?: boolean };

async function setPassword(id: string, options: SetPasswordOptions): Promise<void> {
  const { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, setMemberPassword, systemClock } = await server();
  // 24 random bytes: 32 base64url characters, 192 bits.
  const password = options.generate
    ? randomBytes(24).toString("base64url")
    : await readSecret({ env: options.passwordEnv }, "new password");
  const store = await openStore(options);
  try {
    const orgId = await orgOfMember(store, id);
    const result = await setMemberPassword(store, systemClock, orgId, id, password, { operator: true });
    if (!result.ok && result.code === "VALIDATION_FAILED")
      throw refusal(
        "VALIDATION_FAILED",
        `The new password must be at least ${MIN_PASSWORD_LENGTH} and at most ${MAX_PASSWORD_LENGTH} characters; nothing was changed.`,
      );
    // The operator is refused no role: only a member removed since the lookup is left.
    if (!result.ok) throw refusal("NOT_FOUND", `No member ${id} in this data directory.`);
    const { member, sessionsEnded } = result;
    if (options.json)
      return printJson({
        id: member.id,
        orgId: member.orgId,
        email: member.email,
        role: member.role,
        sessionsEnded,
        ...(options.generate && { password }),
      });
    print(`${member.email} (${member.id}) has a new password; ${sessionsEnded} session(s) of theirs ended.`);
    if (options.generate) print(`Password (shown once; hand it over privately): ${password}`);
  } finally {
    await store.close();
  }
}

/**
 * `portcullis members …`: dashboard members, straight in the data directory (operator). Members are
 * not managed with API keys (a leaked key must not mint a dashboard login), so the CLI, which talks
 * to the API with keys, manages them here; a member changes their own password in the dashboard.
 */
export function registerMembers(program: Command): void {
  const members = program
    .command("members")
    .description(
      "list dashboard members, change their roles and set lost passwords, straight in the data directory (operator)",
    );

  withData(
    members
      .command("list")
      .description("list the members of every org (or one), without their passwords")
      .option("--org <id>", "only this org's members")
      .option("--json", "print JSON"),
  ).action((options: DataOptions & { org?: string }) => listMembers(options));

  withData(
    members
      .command("update")
      .description("change a member's role (an org keeps at least one owner)")
      .argument("<id>", "member ID (mem_…), from 'portcullis members list'")
      .addOption(new Option("--role <role>", "the new role").choices(ROLES).makeOptionMandatory())
      .option("--json", "print the member as JSON"),
  ).action((id: string, options: DataOptions & { role: Role }) => updateMember(id, options));

  withData(
    members
      .command("set-password")
      .description("give a member a new password (they lost theirs); every session of theirs ends")
      .argument("<id>", "member ID (mem_…), from 'portcullis members list'")
      .addOption(
        new Option("--password-env <VAR>", "read the new password from this environment variable").conflicts(
          "generate",
        ),
      )
      .option("--generate", "make a strong random password and print it, once")
      .option("--json", "print the member (and a generated password) as JSON")
      .addHelpText(
        "after",
        `\nWithout --password-env or --generate the new password is read from stdin (typed hidden at a\nterminal); surrounding whitespace is dropped. It is never taken as a flag's value, which would stay\nin shell history. At least 10 characters.\n\nExamples:\n  portcullis members set-password mem_… --generate\n  portcullis members set-password mem_… --password-env NEW_PASSWORD\n  portcullis members set-password mem_… < new-password.txt`,
      ),
  ).action((id: string, options: SetPasswordOptions) => setPassword(id, options));
}
