import { type Command, InvalidArgumentError } from "commander";
import { UsageError } from "../errors.ts";
import { clientFor, type RemoteOptions, withRemote } from "../options.ts";
import { colors, print, printFields, printJson } from "../output.ts";

type Org = { id: string; name: string; createdAt: string; maxTokenTtlSeconds: number };

function ttlSeconds(value: string): number {
  if (!/^[1-9]\d{0,4}$/.test(value) || Number(value) > 86_400)
    throw new InvalidArgumentError("expected whole seconds from 1 to 86400 (a day).");
  return Number(value);
}

function printOrg(org: Org): void {
  print(`${colors().bold(org.id)}  "${org.name}"`);
  printFields([
    ["max token TTL", `${org.maxTokenTtlSeconds} s`],
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
      .option("--max-token-ttl <seconds>", "the longest lifetime a client token may have (1 to 86400)", ttlSeconds),
  ).action(async (options: RemoteOptions & { maxTokenTtl?: number }) => {
    if (options.maxTokenTtl === undefined) throw new UsageError("Nothing to change: pass --max-token-ttl <seconds>.");
    const { data } = await clientFor(options).patch<Org>("/org", { maxTokenTtlSeconds: options.maxTokenTtl });
    if (options.json) return printJson(data);
    printOrg(data);
  });
}
