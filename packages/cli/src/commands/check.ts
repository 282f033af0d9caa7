import { type Command, InvalidArgumentError } from "commander";
import type { CheckResult } from "../api-types.ts";
import { EXIT } from "../errors.ts";
import { segment } from "../http-client.ts";
import { clientFor, type RemoteOptions, readJsonObject, withRemote } from "../options.ts";
import { colors, print, printJson } from "../output.ts";

type CheckOptions = RemoteOptions & {
  key: string;
  origin?: string;
  assistant?: string;
  transient?: string;
  override?: Record<string, unknown>;
};

/**
 * `--override field=<json>`, repeatable, collected into an assistantOverrides object. A value that
 * is not JSON is taken as text, so `--override firstMessage=Hello` works unquoted.
 */
function collectOverride(value: string, previous: unknown): Record<string, unknown> {
  const at = value.indexOf("=");
  if (at < 1) throw new InvalidArgumentError('expected <field>=<json>, e.g. variableValues=\'{"name":"Ada"}\'.');
  const raw = value.slice(at + 1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  return { ...(previous as Record<string, unknown> | undefined), [value.slice(0, at)]: parsed };
}

const MARKS = { pass: "✓", fail: "✗", "not-set": "-" } as const;

/** `(report-only; would deny CODE, rule: origin)`: what enforcing the key would change. */
function wouldDenyNote(result: CheckResult): string {
  const refusal = result.wouldDeny;
  if (!refusal) return result.mode === "report-only" ? " (report-only; no rule would refuse)" : "";
  return ` (report-only; would deny ${refusal.code}, rule: ${refusal.rule}${refusal.field ? `, field: ${refusal.field}` : ""})`;
}

function printDecision(result: CheckResult): void {
  const { bold, green, red, dim, yellow } = colors();
  if (result.decision === "allow") print(`${bold(green("ALLOW"))}${yellow(wouldDenyNote(result))}`);
  else
    print(
      `${bold(red(`DENY ${result.code ?? ""}`))}  ${dim(`decided by the ${result.rule ?? "?"} rule${result.field ? ` (field ${result.field})` : ""}`)}`,
    );
  const width = Math.max(...result.trace.map((step) => step.rule.length));
  for (const step of result.trace) {
    const mark = MARKS[step.outcome as keyof typeof MARKS] ?? "?";
    const paint = step.outcome === "fail" ? red : step.outcome === "pass" ? green : dim;
    print(`  ${paint(mark)} ${step.rule.padEnd(width)}  ${step.detail}`);
  }
}

/** `portcullis check`: what the server would decide on a web call with a key; nothing is written. */
export function registerCheck(program: Command): void {
  withRemote(
    program
      .command("check")
      .description(
        "simulate a web call with a key: the decision and the rule that made it (exit 0 allow, 1 deny); on a report-only key, also what enforcing it would refuse",
      )
      .requiredOption("--key <id>", "the key to check (its ID, key_…)")
      .option("--origin <origin>", "the Origin header to simulate (default: none)")
      .option("--assistant <id>", "the saved assistant the call names")
      .option("--transient <json>", "a JSON file with an inline assistant config; '-' reads stdin")
      .option(
        "--override <field=json>",
        "an assistantOverrides field and its value; repeat for several",
        collectOverride,
      )
      .addHelpText(
        "after",
        "\nExamples:\n  portcullis check --key key_123 --origin https://app.example.com --assistant asst_123\n  portcullis check --key key_123 --origin https://app.example.com --assistant asst_123 --override firstMessage=Hi",
      ),
  ).action(async (options: CheckOptions) => {
    const body = {
      ...(options.origin !== undefined && { origin: options.origin }),
      ...(options.assistant !== undefined && { assistantId: options.assistant }),
      ...(options.transient !== undefined && { assistant: readJsonObject(options.transient, "--transient") }),
      ...(options.override !== undefined && { assistantOverrides: options.override }),
    };
    const { data } = await clientFor(options).post<CheckResult>(`/token/${segment(options.key)}/check`, body);
    if (options.json) printJson(data);
    else printDecision(data);
    process.exitCode = data.decision === "allow" ? EXIT.ok : EXIT.failed;
  });
}
