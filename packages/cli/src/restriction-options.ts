import { OVERRIDE_FIELDS } from "@portcullis/core";
import { type Command, Option } from "commander";
import { collect, collectOneOf } from "./options.ts";
import { collectRateLimit, durationIn, instant, integerIn, spendLimit } from "./units.ts";

/**
 * Where restriction flags go: `keys create` sets them, `keys update` also clears them (`--no-…`),
 * `token mint` puts them inside a token.
 */
export type FlagTarget = "create" | "update" | "token";

const overrideHelp = `an assistantOverrides field public callers may send; repeat for several (${OVERRIDE_FIELDS.join(", ")}; default: variableValues)`;

/** The browser rules: origins, assistants, transient assistants, overrides. */
export function withAccessOptions(command: Command, target: FlagTarget): Command {
  if (target === "update")
    return command
      .option("--origin <origin>", "replace the allowed origins; repeat for several", collect)
      .addOption(new Option("--no-origins", "remove the origin rule: any origin").conflicts("origin"))
      .option("--assistant <id>", "replace the allowed assistants; repeat for several", collect)
      .addOption(new Option("--no-assistants", "remove the assistant rule: any assistant").conflicts("assistant"))
      .option("--allow-transient", "let callers send an inline assistant config")
      .option("--no-allow-transient", "refuse inline assistant configs")
      .option(
        "--allow-override <field>",
        `replace the allowed overrides: ${overrideHelp}`,
        collectOneOf(OVERRIDE_FIELDS),
      )
      .option("--no-allow-override", "allow no assistantOverrides at all");
  const what = target === "token" ? "the token" : "the key";
  return command
    .option(
      "--origin <origin>",
      `an origin ${what} works from, e.g. https://*.example.com; repeat for several`,
      collect,
    )
    .option("--assistant <id>", `a saved assistant ${what} may start; repeat for several`, collect)
    .option("--allow-transient", "let callers send an inline assistant config (off by default)")
    .option("--allow-override <field>", overrideHelp, collectOneOf(OVERRIDE_FIELDS))
    .option("--no-allow-override", "allow no assistantOverrides at all");
}

/**
 * The limits: mode, rate limits, concurrency, spend caps, call duration, expiry, challenge.
 * Ranges are the API's (docs/restrictions.md); a value outside them is a usage error here.
 */
export function withLimitOptions(command: Command, target: FlagTarget): Command {
  const update = target === "update";
  // A `--no-x` beside `--x <value>` shares its attribute, so commander cannot tell the two apart
  // for conflicts: the last one given wins, as with --allow-transient.
  const clearing = (flag: string, help: string) => {
    if (update) command.option(flag, help);
  };
  command.addOption(
    new Option(
      "--report-only",
      "record what the origin/assistant/transient/override rules would refuse, and refuse nothing",
    ).conflicts("enforce"),
  );
  if (target !== "token")
    command.addOption(
      new Option("--enforce", "refuse what the rules refuse (the default mode)").conflicts("reportOnly"),
    );
  command.option(
    "--rate-limit <rule>",
    `${update ? "replace the rate limits: " : ""}<requests>/<window>[:key|ip|user|origin], e.g. 30/60s:key, 3/min:ip, 100/h:user; repeat for several`,
    collectRateLimit,
  );
  if (update) command.addOption(new Option("--no-rate-limits", "remove every rate limit").conflicts("rateLimit"));
  command.option("--max-concurrent <n>", "calls open at once (1 to 100000)", integerIn(1, 100_000));
  clearing("--no-max-concurrent", "remove the concurrent-call cap");
  command.option(
    "--max-concurrent-per-user <n>",
    "calls one end user (token sub) may have open at once (1 to 100000)",
    integerIn(1, 100_000),
  );
  clearing("--no-max-concurrent-per-user", "remove the per-user concurrent-call cap");
  command.option("--spend-limit <minutes/period>", "call minutes per UTC day or month, e.g. 60/day", spendLimit);
  clearing("--no-spend-limit", "remove the spend cap");
  command.option(
    "--user-spend-limit <minutes/period>",
    "call minutes one end user may use per UTC day or month, e.g. 10/day",
    spendLimit,
  );
  clearing("--no-user-spend-limit", "remove the per-user spend cap");
  command.option(
    "--max-call-duration <duration>",
    "end any call after this long: seconds, or 30s, 5m, 1h (10s to 12h)",
    durationIn(10, 43_200),
  );
  clearing("--no-max-call-duration", "remove the call-duration ceiling");
  // A token has its own lifetime (--ttl); expiry is a key's.
  if (target !== "token") {
    command.option(
      "--expires <when>",
      "refuse the key after this instant: 2027-01-01T00:00:00Z, a date, or from now: 30d, 12h",
      (value: string) => instant(value),
    );
    clearing("--no-expires", "the key never expires");
  }
  command.option(
    "--require-challenge",
    "anonymous callers must solve a proof-of-work challenge (GET /challenge) per call",
  );
  clearing("--no-require-challenge", "no challenge");
  return command;
}
