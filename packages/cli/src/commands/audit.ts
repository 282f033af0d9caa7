import { type Command, InvalidArgumentError } from "commander";
import type { AuditEntry } from "../api-types.ts";
import { clientFor, withRemote } from "../options.ts";
import { print, printJson, printTable, truncate } from "../output.ts";
import { momentAgo } from "../units.ts";
import { fetchPages, type PageOptions, withPaging } from "./paging.ts";

type AuditOptions = PageOptions & {
  event?: string;
  key?: string;
  reason?: string;
  since?: string;
  until?: string;
};

function reasonCode(value: string): string {
  if (!/^[A-Za-z_-]{1,64}$/.test(value))
    throw new InvalidArgumentError("expected a reason such as ORIGIN_NOT_ALLOWED (letters, '_' and '-').");
  return value;
}

/** The query of GET /audit from the flags; the server checks each value (an unknown event is a 400). */
export function auditQuery(options: AuditOptions): Record<string, string> {
  const query: Record<string, string> = {};
  if (options.event !== undefined) query.event = options.event;
  if (options.key !== undefined) query.keyId = options.key;
  if (options.reason !== undefined) query.reason = options.reason;
  if (options.since !== undefined) query.from = options.since;
  if (options.until !== undefined) query.to = options.until;
  return query;
}

/** What else a row says, in one short cell: who, from where, about what. */
function detail(entry: AuditEntry): string {
  const parts: string[] = [];
  if (entry.targetId && entry.targetId !== entry.keyId) parts.push(entry.targetId);
  if (entry.callId && entry.callId !== entry.targetId) parts.push(entry.callId);
  if (entry.assistantId) parts.push(entry.assistantId);
  if (entry.userId) parts.push(`user ${entry.userId}`);
  if (entry.ip) parts.push(`ip ${entry.ip}`);
  if (entry.details && Object.keys(entry.details).length > 0) parts.push(JSON.stringify(entry.details));
  return truncate(parts.join("  "), 80);
}

/** `portcullis audit`: who changed what, and who was refused and why. */
export function registerAudit(program: Command): void {
  withPaging(
    withRemote(
      program
        .command("audit")
        .description("the audit log, newest first: changes, call starts, and refusals with their reason")
        .option("--event <event>", "only this event, e.g. call.deny, call.would-deny, token.update, org.update")
        .option("--key <id>", "only events about this key")
        .option("--reason <CODE>", "only refusals with this code, e.g. ORIGIN_NOT_ALLOWED", reasonCode)
        .option("--since <when>", "events from then on: a duration ago (30m, 1h, 7d) or an ISO date-time", (v) =>
          momentAgo(v),
        )
        .option("--until <when>", "events before then: a duration ago or an ISO date-time", (v) => momentAgo(v))
        .addHelpText(
          "after",
          "\nExamples:\n  portcullis audit --event call.deny --since 1h\n  portcullis audit --key key_123 --reason ORIGIN_NOT_ALLOWED --all --json",
        ),
    ),
  ).action(async (options: AuditOptions) => {
    const items = await fetchPages<AuditEntry>(clientFor(options), "/audit", options, auditQuery(options));
    if (options.json) return printJson(items);
    if (items.length === 0) return print("No events.");
    printTable(items, [
      { header: "AT", value: (e) => e.at },
      { header: "EVENT", value: (e) => e.event },
      { header: "KEY", value: (e) => e.keyId ?? e.actorKeyId ?? "-" },
      { header: "REASON", value: (e) => e.reason ?? "-" },
      { header: "ORIGIN", value: (e) => e.origin ?? "-" },
      { header: "DETAIL", value: detail },
    ]);
  });
}
