import { type Command, Option } from "commander";
import type { Org } from "../api-types.ts";
import { UsageError } from "../errors.ts";
import { clientFor, httpUrl, type RemoteOptions, withRemote } from "../options.ts";
import { colors, print, printFields, printJson } from "../output.ts";
import { durationIn, formatDuration, integerIn, refusalAlert, spendLimit } from "../units.ts";
import { spendText } from "./limits-view.ts";

/** Commander's view of `org update`: a value sets a setting, `false` (a `--no-…` form) removes it. */
type UpdateOptions = RemoteOptions & {
  maxTokenTtl?: number;
  maxConcurrent?: number | false;
  spendLimit?: Org["spendLimit"] | false;
  webhookUrl?: string | false;
  refusalAlert?: { threshold: number; windowSeconds: number } | false;
};

/** The PATCH /org body: each field sent replaces that setting; null removes it. */
export function orgPatch(options: UpdateOptions): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const set = (field: string, value: unknown) => {
    if (value !== undefined) patch[field] = value === false ? null : value;
  };
  set("maxTokenTtlSeconds", options.maxTokenTtl);
  set("maxConcurrentCalls", options.maxConcurrent);
  set("spendLimit", options.spendLimit);
  set("webhookUrl", options.webhookUrl);
  if (options.refusalAlert === false) patch.refusalAlertThreshold = null;
  else if (options.refusalAlert) {
    patch.refusalAlertThreshold = options.refusalAlert.threshold;
    patch.refusalAlertWindowSeconds = options.refusalAlert.windowSeconds;
  }
  return patch;
}

function printOrg(org: Org): void {
  print(`${colors().bold(org.id)}  "${org.name}"`);
  printFields([
    ["max token TTL", `${org.maxTokenTtlSeconds} s (${formatDuration(org.maxTokenTtlSeconds)})`],
    ["max concurrent", org.maxConcurrentCalls ? `${org.maxConcurrentCalls} calls, org-wide` : "no cap"],
    ["spend cap", org.spendLimit ? `${spendText(org.spendLimit)}, org-wide` : "none"],
    ["webhook", org.webhookUrl ?? "none"],
    ...(org.webhookSecret ? [["webhook secret", org.webhookSecret] as [string, string]] : []),
    [
      "refusal alert",
      org.refusalAlertThreshold
        ? `${org.refusalAlertThreshold} refusals of one key in ${formatDuration(org.refusalAlertWindowSeconds ?? 300)}`
        : "off",
    ],
    ["created", org.createdAt],
  ]);
}

/** `portcullis org …`: the API key's own org and its settings, through the REST API. */
export function registerOrg(program: Command): void {
  const org = program.command("org").description("show and change your org's settings (the API key's org)");

  withRemote(org.command("show").description("show your org and its settings")).action(
    async (options: RemoteOptions) => {
      const { data } = await clientFor(options).get<Org>("/org");
      if (options.json) return printJson(data);
      printOrg(data);
    },
  );

  withRemote(
    org
      .command("update")
      .description("change org settings; only the flags given change")
      .option(
        "--max-token-ttl <duration>",
        "the longest lifetime a client token may have: seconds, or 10m, 1h (1s to 1d; default 1h)",
        durationIn(1, 86_400),
      )
      .option(
        "--max-concurrent <n>",
        "calls the whole org may have open at once (1 to 1000000)",
        integerIn(1, 1_000_000),
      )
      .option("--no-max-concurrent", "remove the org-wide concurrent-call cap")
      .option("--spend-limit <minutes/period>", "call minutes the whole org may use, e.g. 600/month", spendLimit)
      .option("--no-spend-limit", "remove the org-wide spend cap")
      .addOption(
        new Option(
          "--webhook-url <url>",
          "where alerts are POSTed, signed (see the webhook secret in 'org show')",
        ).argParser(httpUrl),
      )
      .option("--no-webhook-url", "stop sending alerts")
      .option(
        "--refusal-alert <refusals/window>",
        "alert when one key is refused this often, e.g. 100/5m (window 1m to 1d)",
        refusalAlert,
      )
      .option("--no-refusal-alert", "no refusal alerts")
      .addHelpText(
        "after",
        "\nExample:\n  portcullis org update --spend-limit 600/month --webhook-url https://hooks.example.com/portcullis --refusal-alert 100/5m",
      ),
  ).action(async (options: UpdateOptions) => {
    const patch = orgPatch(options);
    if (Object.keys(patch).length === 0)
      throw new UsageError("Nothing to change: pass a setting flag (see 'portcullis org update --help').");
    const { data } = await clientFor(options).patch<Org>("/org", patch);
    if (options.json) return printJson(data);
    printOrg(data);
  });
}
