import { type Command, InvalidArgumentError, Option } from "commander";
import type { ApiKey } from "../api-types.ts";
import { UsageError } from "../errors.ts";
import { segment } from "../http-client.ts";
import { clientFor, type RemoteOptions, withRemote } from "../options.ts";
import { colors, note, print, printJson } from "../output.ts";
import {
  applyRestrictionFlags,
  hasRestrictionFlags,
  type RestrictionFlags,
  restrictionsFromFlags,
} from "../restriction-flags.ts";
import { withAccessOptions, withLimitOptions } from "../restriction-options.ts";
import { registerKeyStats } from "./key-stats.ts";
import { printKey, printKeyTable, warnOpenings } from "./key-view.ts";

type CreateOptions = RemoteOptions & RestrictionFlags & { public?: boolean; private?: boolean; name?: string };
type UpdateOptions = RemoteOptions & RestrictionFlags & { name?: string };

function graceSeconds(value: string): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) > 604_800)
    throw new InvalidArgumentError("expected whole seconds from 0 to 604800 (7 days).");
  return Number(value);
}

/** A key with a value just minted; a private one is never shown again. */
function printMinted(key: ApiKey): void {
  const { bold, yellow } = colors();
  printKey(key);
  if (key.tag === "private") {
    print();
    print(yellow(bold("Store this private key now: it is shown only once and cannot be read back.")));
    print(yellow("Keep it on your server (a secret manager or environment variable), never in a browser."));
  }
}

/** `portcullis keys …`: API keys ("tokens") through the REST API. */
export function registerKeys(program: Command): void {
  const keys = program
    .command("keys")
    .description("create, list, show, update, rotate and revoke API keys")
    .addHelpText(
      "after",
      "\nExamples:\n  portcullis keys create --public --name Website --origin https://app.example.com --assistant asst_123\n  portcullis keys create --public --origin https://app.example.com --rate-limit 30/min:key --rate-limit 3/min:ip \\\n    --max-concurrent 5 --spend-limit 600/day --max-call-duration 10m --report-only",
    );

  const create = keys
    .command("create")
    .description("create a key; a private key's value is printed once")
    .addOption(new Option("--public", "a public key, for browsers (pcpk_…)").conflicts("private"))
    .addOption(new Option("--private", "a private key, for your server (pcsk_…)").conflicts("public"))
    .option("--name <name>", "a name to tell keys apart");
  withLimitOptions(withAccessOptions(create, "create"), "create");
  withRemote(
    create
      .option("--disabled", "create the key disabled")
      .addHelpText(
        "after",
        "\nOnly --expires and --disabled apply to private keys; private keys are bounded by the org's limits ('portcullis org update').",
      ),
  ).action(async (options: CreateOptions) => {
    if (!options.public && !options.private) throw new UsageError("Say which kind of key: --public or --private.");
    const client = clientFor(options);
    const restrictions = restrictionsFromFlags(options);
    const { data } = await client.post<ApiKey>("/token", {
      tag: options.public ? "public" : "private",
      ...(options.name !== undefined && { name: options.name }),
      ...(restrictions && { restrictions }),
    });
    if (options.json) return printJson(data);
    printMinted(data);
    warnOpenings(data);
  });

  withRemote(keys.command("list").description("list keys that are not revoked, newest first")).action(
    async (options: RemoteOptions) => {
      const { data } = await clientFor(options).get<ApiKey[]>("/token");
      if (options.json) return printJson(data);
      printKeyTable(data);
    },
  );

  withRemote(keys.command("show").description("show a key and its restrictions").argument("<id>", "key ID")).action(
    async (id: string, options: RemoteOptions) => {
      const { data } = await clientFor(options).get<ApiKey>(`/token/${segment(id)}`);
      if (options.json) return printJson(data);
      printKey(data);
    },
  );

  const update = keys
    .command("update")
    .description("change a key's name or restrictions; only the flags given change")
    .argument("<id>", "key ID")
    .option("--name <name>", "a new name");
  withLimitOptions(withAccessOptions(update, "update"), "update");
  withRemote(
    update
      .addOption(new Option("--enable", "enable the key").conflicts("disable"))
      .addOption(new Option("--disable", "disable the key (it is refused until enabled again)").conflicts("enable"))
      .addHelpText(
        "after",
        "\nExamples:\n  portcullis keys update key_123 --report-only --rate-limit 30/min:key --rate-limit 3/min:ip\n  portcullis keys update key_123 --no-rate-limits --no-spend-limit --expires 30d",
      ),
  ).action(async (id: string, options: UpdateOptions) => {
    if (!hasRestrictionFlags(options) && options.name === undefined)
      throw new UsageError(
        "Nothing to change: pass --name or a restriction flag (see 'portcullis keys update --help').",
      );
    const client = clientFor(options);
    const path = `/token/${segment(id)}`;
    // PATCH replaces restrictions whole: read them, change what the flags say, send all of them back.
    const { data: current } = await client.get<ApiKey>(path);
    const restrictions = applyRestrictionFlags(current.restrictions, options, current.tag);
    const { data } = await client.patch<ApiKey>(path, {
      ...(options.name !== undefined && { name: options.name }),
      ...(restrictions && { restrictions }),
    });
    if (options.json) return printJson(data);
    printKey(data);
    warnOpenings(data);
  });

  withRemote(
    keys
      .command("rotate")
      .description("give a key a new value; the old one stops at once, or after --grace")
      .argument("<id>", "key ID")
      .option("--grace <seconds>", "keep the old value working this long (0 to 604800; default 0)", graceSeconds),
  ).action(async (id: string, options: RemoteOptions & { grace?: number }) => {
    const body = options.grace === undefined ? {} : { gracePeriodSeconds: options.grace };
    const { data } = await clientFor(options).post<ApiKey>(`/token/${segment(id)}/rotate`, body);
    if (options.json) return printJson(data);
    printMinted(data);
    const until = new Date(Date.now() + (options.grace ?? 0) * 1000).toISOString();
    print(options.grace ? `The old value keeps working until about ${until}.` : "The old value no longer works.");
  });

  withRemote(
    keys.command("revoke").description("revoke a key: it stops working at once, for good").argument("<id>", "key ID"),
  ).action(async (id: string, options: RemoteOptions) => {
    const { data } = await clientFor(options).delete<ApiKey>(`/token/${segment(id)}`);
    if (options.json) return printJson(data);
    print(
      `Revoked ${data.id}${data.name ? ` ("${data.name}")` : ""}. It stops working at once and cannot be restored.`,
    );
    if (data.tag === "private") note("If this was the key in PORTCULLIS_API_KEY, switch to another private key.");
  });

  registerKeyStats(keys);
}
