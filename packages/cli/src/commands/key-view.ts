import { OVERRIDE_RISKS, type OverrideField } from "@portcullis/core";
import type { ApiKey } from "../api-types.ts";
import { colors, note, print, printFields, printTable } from "../output.ts";
import { expiryText, limitFields, limitsBrief } from "./limits-view.ts";

const list = (items: readonly string[] | undefined, none: string) =>
  items && items.length > 0 ? items.join(", ") : none;

/** A list cell that stays one short line: the first item and how many more. */
const brief = (items: readonly string[] | undefined, none: string) =>
  !items || items.length === 0 ? none : items.length === 1 ? (items[0] ?? "") : `${items[0]} +${items.length - 1}`;

export function printKey(key: ApiKey): void {
  const { bold } = colors();
  const r = key.restrictions;
  print(`${bold(key.id)}  ${key.tag}${key.name ? `  "${key.name}"` : ""}`);
  const fields: [string, string][] = [];
  if (key.value) fields.push(["value", key.value]);
  else fields.push(["key", `${key.displayPrefix}…`]);
  fields.push(["enabled", r.enabled ? "yes" : "no (disabled)"]);
  if (key.tag === "public") {
    fields.push(
      ["origins", list(r.allowedOrigins, "any origin")],
      ["assistants", list(r.allowedAssistantIds, "any assistant of the org")],
      ["transient", r.allowTransientAssistant ? "allowed" : "not allowed"],
      ["overrides", list(r.allowedOverrides, "none")],
      ...limitFields(r),
    );
  }
  fields.push(["expires", expiryText(r.expiresAt)]);
  fields.push(["created", key.createdAt], ["updated", key.updatedAt], ["last used", key.lastUsedAt ?? "never"]);
  printFields(fields);
}

/** One word for whether a key works now: disabled, expired, report-only or active. */
function state(key: ApiKey): string {
  const r = key.restrictions;
  if (!r.enabled) return "disabled";
  if (r.expiresAt && Date.parse(r.expiresAt) <= Date.now()) return "expired";
  return r.mode === "report-only" ? "report-only" : "active";
}

export function printKeyTable(keys: readonly ApiKey[]): void {
  if (keys.length === 0) {
    print("No keys.");
    return;
  }
  printTable(keys, [
    { header: "ID", value: (k) => k.id },
    { header: "TAG", value: (k) => k.tag },
    { header: "NAME", value: (k) => k.name ?? "" },
    { header: "KEY", value: (k) => `${k.displayPrefix}…` },
    { header: "STATE", value: state },
    { header: "ORIGINS", value: (k) => (k.tag === "public" ? brief(k.restrictions.allowedOrigins, "any") : "-") },
    {
      header: "ASSISTANTS",
      value: (k) => (k.tag === "public" ? brief(k.restrictions.allowedAssistantIds, "any") : "-"),
    },
    { header: "LIMITS", value: (k) => (k.tag === "public" ? limitsBrief(k.restrictions) : "-") },
    { header: "EXPIRES", value: (k) => k.restrictions.expiresAt?.slice(0, 10) ?? "never" },
    { header: "LAST USED", value: (k) => k.lastUsedAt ?? "never" },
  ]);
}

/** After a public key is created or changed: say plainly what it leaves open. */
export function warnOpenings(key: ApiKey): void {
  if (key.tag !== "public") return;
  const { yellow } = colors(process.stderr);
  const r = key.restrictions;
  if (!r.allowedOrigins?.length)
    note(yellow("Note: this public key works from any origin. Limit it with --origin https://your.app."));
  if (!r.allowedAssistantIds?.length && !r.allowTransientAssistant)
    note(yellow("Note: this public key may start any assistant of the org. Limit it with --assistant <id>."));
  if (r.allowTransientAssistant)
    note(yellow("Note: callers may send their own (transient) assistant config, prompt and model included."));
  for (const field of r.allowedOverrides)
    if (field !== "variableValues")
      note(yellow(`Note: override '${field}': ${OVERRIDE_RISKS[field as OverrideField]}`));
  if (r.mode === "report-only")
    note(
      yellow(
        `Note: report-only: what the rules would refuse is recorded ('portcullis audit --key ${key.id}'), not refused. Enforce with 'portcullis keys update ${key.id} --enforce'.`,
      ),
    );
}
