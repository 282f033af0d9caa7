import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./doc-samples.ts";
import { inherited } from "./shell-session.ts";

export type SampleRun = { stdout: string; stderr: string };

const BROWSER_GLOBALS = join(ROOT, "test/lib/browser-globals.ts");

/**
 * Runs a JavaScript or TypeScript sample as its own Node program (through tsx, from the repository
 * root, so `@portcullis/*` resolve), asynchronously: the server answering it may live in this process.
 * With `origin`, the sample runs as a page on that origin would (see browser-globals.ts).
 */
export async function runNodeSample(
  file: string,
  code: string,
  options: { env?: Record<string, string>; origin?: string } = {},
): Promise<SampleRun> {
  writeFileSync(file, code);
  const imports = ["--import", "tsx", ...(options.origin ? ["--import", BROWSER_GLOBALS] : [])];
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [...imports, file], {
    cwd: ROOT,
    env: { ...inherited(), ...options.env, ...(options.origin && { SAMPLE_ORIGIN: options.origin }) },
    timeout: 30_000,
  });
  return { stdout: stdout.trim(), stderr: stderr.trim() };
}

/** Runs a shell sample with bash; asynchronous for the same reason. */
export async function runShellSample(code: string, env: Record<string, string> = {}): Promise<SampleRun> {
  const { stdout, stderr } = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", code], {
    cwd: ROOT,
    env: { ...inherited(), ...env },
    timeout: 30_000,
  });
  return { stdout: stdout.trim(), stderr: stderr.trim() };
}
