import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root; children run from here so `tsx` and workspace packages resolve. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const running = new Set<ChildProcess>();

/** Kills every child still running, e.g. when the suite is interrupted. */
export function killAll(): void {
  for (const child of running) child.kill("SIGKILL");
}

/** Starts `node --import tsx <file>` (a path from the repository root) as a tracked child. */
export function spawnTs(file: string, args: string[] = [], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", file, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.on("exit", () => running.delete(child));
  return child;
}

/** Runs a child to completion and parses the JSON it prints last on stdout. */
export function runTsForJson<T>(file: string, input: unknown, env: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawnTs(file, [JSON.stringify(input)], env);
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`${file} exited with ${code}: ${err.trim().slice(-2000)}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${file} printed no JSON result: ${out.slice(-500)} ${err.slice(-500)}`));
      }
    });
  });
}

/**
 * Calls `exportName(input)` of a bench module in a fresh process, so an in-process measurement gets
 * its own heap and JIT state, untouched by the orchestrator and by other scenarios.
 */
export function inChild<T>(moduleUrl: string, exportName: string, input: unknown): Promise<T> {
  return runTsForJson<T>("bench/lib/child-entry.ts", { module: moduleUrl, exportName, input });
}
