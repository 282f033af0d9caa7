import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { UsageError } from "./errors.ts";

/** Reads all of a piped stdin. */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk;
  return text;
}

/**
 * One line typed at the terminal, not echoed: readline edits the line but writes its echo into a
 * stream that drops it, and the prompt goes to stderr so stdout stays clean.
 */
function readHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const line = createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    line.once("line", (text) => {
      line.close();
      process.stderr.write("\n");
      resolve(text);
    });
    // Ctrl-D or Ctrl-C with nothing typed: an empty secret, refused below.
    line.once("close", () => resolve(""));
  });
}

/**
 * A secret from stdin (piped, or typed without echo at a terminal) or from a named environment
 * variable: never from a flag's value, which would land in shell history and in `ps`.
 */
export async function readSecret(source: { stdin?: boolean; env?: string }, what: string): Promise<string> {
  let value: string;
  if (source.env !== undefined) {
    value = process.env[source.env] ?? "";
    if (!value) throw new UsageError(`The environment variable ${source.env} is not set or empty.`);
  } else if (process.stdin.isTTY) value = await readHidden(`${what} (input hidden): `);
  else value = await readAll(process.stdin);
  // A trailing newline (echo, a file) is never part of a key.
  value = value.trim();
  if (!value) throw new UsageError(`No ${what} on stdin.`);
  return value;
}
