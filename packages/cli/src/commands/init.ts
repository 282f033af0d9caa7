import type { Command } from "commander";
import { type DataOptions, withData } from "../options.ts";
import { createOrg } from "./orgs.ts";

/** `portcullis init`: the first step on a new server; run again, it creates another org. */
export function registerInit(program: Command): void {
  withData(
    program
      .command("init")
      .description("create an org in the data directory and print its first private key, once")
      .option("--name <name>", "the org's name", "My org")
      .option("--json", "print the org and key as JSON, for scripts")
      .addHelpText(
        "after",
        "\nInit opens the data directory itself, so the server need not run. It uses PORTCULLIS_MASTER_KEY when\nset, else <data>/master.key, as the server does. Running it again creates another, separate org.",
      ),
  ).action((options: DataOptions & { name: string }) => createOrg(options));
}
