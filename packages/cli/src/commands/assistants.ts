import type { Command } from "commander";
import type { Assistant } from "../api-types.ts";
import { UsageError } from "../errors.ts";
import { segment } from "../http-client.ts";
import { clientFor, type RemoteOptions, readJsonObject, withRemote } from "../options.ts";
import { colors, print, printFields, printJson, printTable, show, truncate } from "../output.ts";
import { fetchPages, type PageOptions, withPaging } from "./paging.ts";

type ConfigOptions = RemoteOptions & { name?: string; firstMessage?: string; file?: string };

/** The body from --file (a whole Vapi-shaped config), with --name and --first-message on top. */
function configFrom(options: ConfigOptions): Record<string, unknown> {
  return {
    ...(options.file !== undefined && readJsonObject(options.file, "--file")),
    ...(options.name !== undefined && { name: options.name }),
    ...(options.firstMessage !== undefined && { firstMessage: options.firstMessage }),
  };
}

const IDENTITY = new Set(["id", "orgId", "name", "createdAt", "updatedAt"]);

function printAssistant(assistant: Assistant): void {
  print(`${colors().bold(assistant.id)}${assistant.name ? `  "${assistant.name}"` : ""}`);
  const config = Object.entries(assistant).filter(([field]) => !IDENTITY.has(field));
  printFields([
    ...config.map(([field, value]) => [field, show(value)] as const),
    ["created", assistant.createdAt],
    ["updated", assistant.updatedAt],
  ]);
}

function configCommand(command: Command): Command {
  return withRemote(
    command
      .option("--name <name>", "the assistant's name")
      .option("--first-message <text>", "what the assistant says first")
      .option("--file <json>", "a JSON file with the assistant config (model, voice, …); '-' reads stdin"),
  );
}

/** `portcullis assistants …`: saved assistants through the REST API. */
export function registerAssistants(program: Command): void {
  const assistants = program
    .command("assistants")
    .description("create, list, show, update and delete saved assistants")
    .addHelpText(
      "after",
      '\nExamples:\n  portcullis assistants create --name Support --first-message "Hi, how can I help?"\n  portcullis assistants create --name Support --file assistant.json',
    );

  configCommand(assistants.command("create").description("create an assistant")).action(
    async (options: ConfigOptions) => {
      const body = configFrom(options);
      if (typeof body.name !== "string") throw new UsageError("Give the assistant a name: --name <name>.");
      const { data } = await clientFor(options).post<Assistant>("/assistant", body);
      if (options.json) return printJson(data);
      printAssistant(data);
    },
  );

  withPaging(withRemote(assistants.command("list").description("list assistants, newest first"))).action(
    async (options: PageOptions) => {
      const items = await fetchPages<Assistant>(clientFor(options), "/assistant", options);
      if (options.json) return printJson(items);
      if (items.length === 0) return print("No assistants.");
      printTable(items, [
        { header: "ID", value: (a) => a.id },
        { header: "NAME", value: (a) => a.name ?? "" },
        { header: "CREATED", value: (a) => a.createdAt },
        { header: "FIRST MESSAGE", value: (a) => truncate(a.firstMessage ?? "", 50) },
      ]);
    },
  );

  withRemote(assistants.command("show").description("show an assistant").argument("<id>", "assistant ID")).action(
    async (id: string, options: RemoteOptions) => {
      const { data } = await clientFor(options).get<Assistant>(`/assistant/${segment(id)}`);
      if (options.json) return printJson(data);
      printAssistant(data);
    },
  );

  configCommand(
    assistants
      .command("update")
      .description("change an assistant; each field given replaces that field")
      .argument("<id>", "assistant ID"),
  ).action(async (id: string, options: ConfigOptions) => {
    const body = configFrom(options);
    if (Object.keys(body).length === 0)
      throw new UsageError("Nothing to change: pass --name, --first-message or --file.");
    const { data } = await clientFor(options).patch<Assistant>(`/assistant/${segment(id)}`, body);
    if (options.json) return printJson(data);
    printAssistant(data);
  });

  withRemote(assistants.command("delete").description("delete an assistant").argument("<id>", "assistant ID")).action(
    async (id: string, options: RemoteOptions) => {
      const { data } = await clientFor(options).delete<Assistant>(`/assistant/${segment(id)}`);
      if (options.json) return printJson(data);
      print(`Deleted ${data.id}${data.name ? ` ("${data.name}")` : ""}.`);
    },
  );
}
