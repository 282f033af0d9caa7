import { readFileSync } from "node:fs";
import { type Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "./errors.ts";
import { type ApiClient, createApiClient } from "./http-client.ts";

export const DEFAULT_URL = "http://localhost:8787";
/** The server's own data-dir setting (SETTINGS.dataDir); a test keeps the two equal. */
export const DATA_DIR_ENV = "PORTCULLIS_DATA_DIR";
export const DEFAULT_DATA_DIR = "./data";
export const MASTER_KEY_ENV = "PORTCULLIS_MASTER_KEY";

/** An argParser for repeatable options: `--origin a --origin b` gives ["a", "b"]. */
export function collect(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? previous : []), value];
}

/** Like {@link collect}, refusing values outside `allowed` as a usage error. */
export function collectOneOf(allowed: readonly string[]) {
  return (value: string, previous: unknown): string[] => {
    if (!allowed.includes(value)) throw new InvalidArgumentError(`expected one of: ${allowed.join(", ")}.`);
    return collect(value, previous);
  };
}

export function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("expected an absolute URL such as http://localhost:8787.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError("expected http or https.");
  return value;
}

export function portNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError("expected a port from 0 to 65535.");
  return Number(value);
}

export function positiveInteger(value: string): number {
  if (!/^[1-9]\d{0,3}$/.test(value) || Number(value) > 1000) throw new InvalidArgumentError("expected 1 to 1000.");
  return Number(value);
}

export type RemoteOptions = { url: string; apiKey?: string; json?: boolean };

/** The options every command that talks to the REST API takes. */
export function withRemote(command: Command): Command {
  return command
    .addOption(
      new Option("--url <url>", "where the Portcullis API is")
        .env("PORTCULLIS_URL")
        .default(DEFAULT_URL)
        .argParser(httpUrl),
    )
    .addOption(
      new Option(
        "--api-key <key>",
        "a private key (pcsk_…); prefer the environment variable, which stays out of shell history",
      ).env("PORTCULLIS_API_KEY"),
    )
    .option("--json", "print the raw JSON answer, for scripts");
}

export function clientFor(options: RemoteOptions): ApiClient {
  if (!options.apiKey)
    throw new UsageError(
      "No API key. Set PORTCULLIS_API_KEY (or pass --api-key) to a private key (pcsk_…); 'portcullis init' prints an org's first one.",
    );
  return createApiClient({ baseUrl: options.url, apiKey: options.apiKey });
}

export type DataOptions = { data: string; json?: boolean };

/** The data directory option of operator commands: --data, else PORTCULLIS_DATA_DIR, else ./data. */
export function withData(command: Command): Command {
  return command.addOption(
    new Option("--data <dir>", "the server's data directory").env(DATA_DIR_ENV).default(DEFAULT_DATA_DIR),
  );
}

/** A JSON object from a file, or from stdin for "-"; anything else is a usage error naming the flag. */
export function readJsonObject(path: string, flag: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? error}).`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: not valid JSON (${(error as Error).message}).`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new UsageError(`${flag} ${path}: expected a JSON object.`);
  return value as Record<string, unknown>;
}
