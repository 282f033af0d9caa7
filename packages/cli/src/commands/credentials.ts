import { type Command, Option } from "commander";
import type { Credential } from "../api-types.ts";
import { UsageError } from "../errors.ts";
import { segment } from "../http-client.ts";
import { clientFor, type RemoteOptions, withRemote } from "../options.ts";
import { colors, print, printFields, printJson, printTable } from "../output.ts";
import { readSecret } from "../secret-input.ts";

type AddOptions = RemoteOptions & { provider: string; apiKeyStdin?: boolean; apiKeyEnv?: string; name?: string };

/** `portcullis credentials …`: provider API keys the org's assistants run with, stored encrypted. */
export function registerCredentials(program: Command): void {
  const credentials = program
    .command("credentials")
    .description("add, list and delete provider credentials (e.g. an OpenAI API key), stored encrypted");

  withRemote(
    credentials
      .command("add")
      .description("store a provider API key; it is never shown again, not even to you")
      .requiredOption("--provider <name>", "the provider, e.g. openai")
      .addOption(
        new Option("--api-key-stdin", "read the provider's API key from stdin (typed hidden at a terminal)").conflicts(
          "apiKeyEnv",
        ),
      )
      .option("--api-key-env <VAR>", "read the provider's API key from this environment variable")
      .option("--name <name>", "a name to tell credentials apart")
      .addHelpText(
        "after",
        "\nThe provider key is never taken as a flag's value, which would stay in shell history.\n(--api-key is your Portcullis private key, as for every command.)\n\nExamples:\n  portcullis credentials add --provider openai --api-key-stdin < openai.key\n  portcullis credentials add --provider openai --api-key-env OPENAI_API_KEY --name production",
      ),
  ).action(async (options: AddOptions) => {
    if (!options.apiKeyStdin && options.apiKeyEnv === undefined)
      throw new UsageError("Say where the provider's API key is: --api-key-stdin or --api-key-env <VAR>.");
    const client = clientFor(options);
    const apiKey = await readSecret(
      { stdin: options.apiKeyStdin, env: options.apiKeyEnv },
      `${options.provider} API key`,
    );
    const { data } = await client.post<Credential>("/credential", {
      provider: options.provider,
      apiKey,
      ...(options.name !== undefined && { name: options.name }),
    });
    if (options.json) return printJson(data);
    print(`${colors().bold(data.id)}  ${data.provider}${data.name ? `  "${data.name}"` : ""}`);
    printFields([["created", data.createdAt]]);
    print("Stored encrypted; the key cannot be read back. To replace it, add a new one and delete this one.");
  });

  withRemote(credentials.command("list").description("list credentials (never their keys)")).action(
    async (options: RemoteOptions) => {
      const { data } = await clientFor(options).get<Credential[]>("/credential");
      if (options.json) return printJson(data);
      if (data.length === 0) return print("No credentials.");
      printTable(data, [
        { header: "ID", value: (c) => c.id },
        { header: "PROVIDER", value: (c) => c.provider },
        { header: "NAME", value: (c) => c.name ?? "" },
        { header: "CREATED", value: (c) => c.createdAt },
      ]);
    },
  );

  withRemote(
    credentials.command("delete").description("delete a credential").argument("<id>", "credential ID (cred_…)"),
  ).action(async (id: string, options: RemoteOptions) => {
    const { data } = await clientFor(options).delete<Credential>(`/credential/${segment(id)}`);
    if (options.json) return printJson(data);
    print(`Deleted ${data.id} (${data.provider}${data.name ? `, "${data.name}"` : ""}).`);
  });
}
