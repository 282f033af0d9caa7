import type { Command } from "commander";
import type { Call } from "../api-types.ts";
import { segment } from "../http-client.ts";
import { clientFor, type RemoteOptions, withRemote } from "../options.ts";
import { colors, print, printFields, printJson, printTable, show } from "../output.ts";
import { fetchPages, type PageOptions, withPaging } from "./paging.ts";

const assistantOf = (call: Call) => call.assistantId ?? (call.assistant ? "(transient)" : "-");

/** `portcullis calls …`: call records through the REST API. */
export function registerCalls(program: Command): void {
  const calls = program.command("calls").description("list, show and end calls");

  withPaging(withRemote(calls.command("list").description("list calls, newest first")))
    .option("--assistant <id>", "only calls with this assistant")
    .option("--key <id>", "only calls started with this key (key_…), or a token signed with it")
    .action(async (options: PageOptions & { assistant?: string; key?: string }) => {
      const query: Record<string, string> = {
        ...(options.assistant !== undefined && { assistantId: options.assistant }),
        ...(options.key !== undefined && { keyId: options.key }),
      };
      const items = await fetchPages<Call>(clientFor(options), "/call", options, query);
      if (options.json) return printJson(items);
      if (items.length === 0) return print("No calls.");
      printTable(items, [
        { header: "ID", value: (c) => c.id },
        { header: "STATUS", value: (c) => c.status },
        { header: "ASSISTANT", value: assistantOf },
        { header: "KEY", value: (c) => c.keyId },
        { header: "ORIGIN", value: (c) => c.origin ?? "-" },
        { header: "CREATED", value: (c) => c.createdAt },
      ]);
    });

  withRemote(calls.command("show").description("show a call").argument("<id>", "call ID")).action(
    async (id: string, options: RemoteOptions) => {
      const { data } = await clientFor(options).get<Call>(`/call/${segment(id)}`);
      if (options.json) return printJson(data);
      print(`${colors().bold(data.id)}  ${data.type}  ${data.status}`);
      printFields([
        ["assistant", assistantOf(data)],
        ...(data.assistant ? [["config", show(data.assistant)] as const] : []),
        ...(data.assistantOverrides ? [["overrides", show(data.assistantOverrides)] as const] : []),
        ...(data.metadata ? [["metadata", show(data.metadata)] as const] : []),
        ["key", data.keyId],
        ["origin", data.origin ?? "-"],
        ...(data.userId ? [["user", data.userId] as const] : []),
        ...(data.endedAt ? ([["ended", `${data.endedAt} (${data.endedReason ?? "?"})`]] as const) : []),
        ...(typeof data.durationSeconds === "number" ? [["duration", `${data.durationSeconds} s`] as const] : []),
        ["created", data.createdAt],
        ["updated", data.updatedAt],
      ]);
    },
  );

  withRemote(
    calls
      .command("end")
      .description("end a live or queued call now; its minutes stop counting")
      .argument("<id>", "call ID"),
  ).action(async (id: string, options: RemoteOptions) => {
    const { data } = await clientFor(options).post<Call>(`/call/${segment(id)}/end`, undefined);
    if (options.json) return printJson(data);
    const lasted = typeof data.durationSeconds === "number" ? ` after ${data.durationSeconds} s` : "";
    print(`Ended ${data.id}${lasted} (${data.endedReason ?? data.status}).`);
  });
}
