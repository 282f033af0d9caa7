import { ApiError, CliError, EXIT, type ExitCode } from "./errors.ts";

type Stream = { isTTY?: boolean; write(text: string): unknown };

/** ANSI styles when `stream` is a terminal and NO_COLOR is unset (https://no-color.org); plain text otherwise. */
export function colors(stream: Stream = process.stdout) {
  const on = Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  const wrap = (open: number, close: number) => (text: string) => (on ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}

export function print(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** Notes for people (hints, warnings) go to stderr, so stdout stays what a script would parse. */
export function note(line = ""): void {
  process.stderr.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

export type Column<T> = { header: string; value: (row: T) => string };

/** A plain, aligned table; the last column is not padded so lines carry no trailing spaces. */
export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const render = (line: readonly string[]) =>
    line
      .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  print(colors().bold(render(columns.map((column) => column.header))));
  for (const line of cells) print(render(line));
}

/** `label  value` lines, labels aligned, indented under a heading. */
export function printFields(fields: readonly (readonly [string, string])[], indent = "  "): void {
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) print(`${indent}${colors().dim(label.padEnd(width))}  ${value}`);
}

/** Shortens one-line previews of long text. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ");
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** A value for a table cell or a field line: text as is, the rest as compact JSON. */
export function show(value: unknown): string {
  if (value === undefined || value === null) return "-";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Prints an error the way every command reports one and returns the exit code:
 * `Error CODE: message` for API refusals (exit 1), `Error: message` for the CLI's own failures.
 */
export function reportError(error: unknown): ExitCode {
  const { red } = colors(process.stderr);
  if (error instanceof ApiError) {
    note(`${red(`Error ${error.code}:`)} ${error.message}`);
    if (error.field) note(`  field: ${error.field}`);
    if (error.requestId && error.status >= 500) note(`  requestId: ${error.requestId}`);
    return EXIT.failed;
  }
  if (error instanceof CliError) {
    note(`${red("Error:")} ${error.message}`);
    if (error.exitCode === EXIT.usage) note("(add --help for usage)");
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  note(`${red("Error:")} ${message}`);
  if (process.env.PORTCULLIS_DEBUG && error instanceof Error && error.stack) note(error.stack);
  return EXIT.failed;
}
