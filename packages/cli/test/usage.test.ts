import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../src/program.ts";
import { runCli } from "./harness.ts";

/** Every command path, read from the program itself so a new command cannot miss its help test. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

describe("--help", () => {
  it("works for the program and every command, exit 0", async () => {
    const paths = [[], ...commandPaths(buildProgram())];
    expect(paths.length).toBeGreaterThan(15);
    // Two at a time: each run is a Node process compiling TypeScript.
    for (let i = 0; i < paths.length; i += 2) {
      const batch = paths.slice(i, i + 2);
      const results = await Promise.all(batch.map((path) => runCli([...path, "--help"])));
      results.forEach((result, j) => {
        const path = batch[j]?.join(" ") ?? "";
        expect(result.code, path).toBe(0);
        expect(result.stdout, path).toContain(`Usage: portcullis${path ? ` ${path}` : ""}`);
      });
    }
  }, 120_000);

  it("documents --json on every command that prints data", () => {
    const leaves = commandPaths(buildProgram()).filter((path) => !["serve"].includes(path.join(" ")));
    const program = buildProgram();
    for (const path of leaves) {
      let command: Command | undefined = program;
      for (const name of path) command = command?.commands.find((sub) => sub.name() === name);
      if (command && command.commands.length === 0)
        expect(
          command.options.map((option) => option.long),
          path.join(" "),
        ).toContain("--json");
    }
  });
});

describe("usage errors exit 2 with a message", () => {
  // Concurrent: each case is a separate process, and none talks to a server.
  it.concurrent.each<[string, string[], RegExp]>([
    ["unknown option", ["keys", "create", "--public", "--bogus"], /unknown option '--bogus'/],
    ["unknown command", ["keyz"], /unknown command 'keyz'/],
    ["no key kind", ["keys", "create", "--api-key", "pcsk_x"], /--public or --private/],
    ["both key kinds", ["keys", "create", "--public", "--private"], /cannot be used with/],
    ["override field not in the list", ["keys", "create", "--public", "--allow-override", "prompt"], /expected one of/],
    [
      "--origin with --no-origins",
      ["keys", "update", "key_1", "--origin", "https://a.example", "--no-origins"],
      /cannot be used with/,
    ],
    ["--enable with --disable", ["keys", "update", "key_1", "--enable", "--disable"], /cannot be used with/],
    ["update with nothing to change", ["keys", "update", "key_1", "--api-key", "pcsk_x"], /Nothing to change/],
    ["missing argument", ["keys", "show"], /missing required argument 'id'/],
    ["check without --key", ["check", "--origin", "https://a.example"], /required option '--key <id>'/],
    [
      "check --override without =",
      ["check", "--key", "key_1", "--override", "firstMessage"],
      /expected <field>=<json>/,
    ],
    [
      "bad --url",
      ["keys", "list", "--url", "localhost:8787"],
      /--url <url>.*is invalid|expected an absolute URL|expected http/,
    ],
    ["bad --port", ["serve", "--port", "eighty"], /expected a port/],
    ["bad --grace", ["keys", "rotate", "key_1", "--grace", "-1"], /expected whole seconds/],
    ["bad --max-token-ttl", ["org", "update", "--max-token-ttl", "90000"], /expected whole seconds/],
    ["bad --limit", ["calls", "list", "--limit", "0"], /expected 1 to 1000/],
    ["orgs create without --name", ["orgs", "create"], /required option '--name <name>'/],
    ["assistant without a name", ["assistants", "create", "--api-key", "pcsk_x"], /--name/],
    [
      "unreadable --file",
      ["assistants", "create", "--name", "A", "--file", "/nonexistent.json", "--api-key", "pcsk_x"],
      /cannot read it/,
    ],
    ["--file not JSON", ["assistants", "create", "--file", "-", "--api-key", "pcsk_x"], /not valid JSON/],
    [
      "bad --rate-limit",
      ["keys", "create", "--public", "--rate-limit", "30/fortnight"],
      /expected <requests>\/<window>/,
    ],
    [
      "bad --spend-limit",
      ["keys", "create", "--public", "--spend-limit", "60/week"],
      /expected <minutes>\/<day\|month>/,
    ],
    ["--max-call-duration too short", ["keys", "create", "--public", "--max-call-duration", "5s"], /from 10s to 12h/],
    ["--expires in the past", ["keys", "create", "--public", "--expires", "2020-01-01T00:00:00Z"], /in the past/],
    ["--report-only with --enforce", ["keys", "update", "key_1", "--report-only", "--enforce"], /cannot be used with/],
    [
      "--rate-limit with --no-rate-limits",
      ["keys", "update", "key_1", "--rate-limit", "3/min", "--no-rate-limits"],
      /cannot be used with/,
    ],
    ["org update with nothing to change", ["org", "update", "--api-key", "pcsk_x"], /Nothing to change/],
    ["bad --refusal-alert", ["org", "update", "--refusal-alert", "100/10s"], /expected <refusals>\/<window>/],
    ["bad --ttl", ["token", "mint", "--ttl", "2d"], /from 1s to 1d/],
    ["bad --kid", ["token", "mint", "--kid", "sk_1"], /expected a key ID/],
    ["token mint without a key", ["token", "mint", "--org", "org_1"], /PORTCULLIS_API_KEY/],
    ["signing-keys add with neither", ["signing-keys", "add", "--api-key", "pcsk_x"], /exactly one of --jwk/],
    [
      "credentials add without a source",
      ["credentials", "add", "--provider", "openai", "--api-key", "pcsk_x"],
      /--api-key-stdin or --api-key-env/,
    ],
    ["bad --since", ["audit", "--since", "yesterday"], /expected a duration ago/],
    ["bad --window", ["keys", "stats", "key_1", "--window", "2h"], /Allowed choices are 1h, 24h, 7d/],
    ["no command", [], /Usage: portcullis/],
  ])("%s", async (_, args, message) => {
    const result = await runCli(args, {}, "not json");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
