import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { ROOT } from "./doc-samples.ts";

/** What one `run` printed, and every command in it that exited non-zero (`status command`). */
export type ShellResult = { stdout: string; stderr: string; failed: string[] };

export type ShellSession = {
  /** Runs code as if typed into the terminal: variables it exports stay for the next run. */
  run(code: string, timeoutMs?: number): Promise<ShellResult>;
  close(): void;
};

/** This process's environment without Portcullis settings: a sample sees only what the test sets. */
export function inherited(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !/^PORTCULLIS_|^PORT$/.test(entry[0]),
    ),
  );
}

/**
 * One bash process that runs doc samples in sequence, as a reader pastes them into one terminal, so
 * `export PK=…` in one block is `$PK` in the next. A trap records each command that fails without
 * stopping the session: a sample may fail on purpose (`portcullis check` exits 1 on a refusal).
 */
export function shellSession(env: Record<string, string>): ShellSession {
  const shell: ChildProcessWithoutNullStreams = spawn("bash", ["--noprofile", "--norc"], {
    cwd: ROOT,
    env: { ...inherited(), ...env },
  });
  let stdout = "";
  let stderr = "";
  shell.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  shell.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  const FAILED = `__failed_${randomBytes(6).toString("hex")}`;
  shell.stdin.write(`trap 'echo "${FAILED} $? $BASH_COMMAND" >&2' ERR\n`);

  return {
    run(code, timeoutMs = 30_000) {
      const done = `__done_${randomBytes(6).toString("hex")}`;
      stdout = "";
      stderr = "";
      // Samples read no input: stdin stays the session's script, not theirs to consume.
      shell.stdin.write(`{\n${code}\n} </dev/null\necho; echo ${done}; echo ${done} >&2\n`);
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const finished = stdout.includes(`\n${done}\n`) && stderr.includes(`${done}\n`);
          if (!finished && Date.now() - started < timeoutMs && shell.exitCode === null) return;
          clearInterval(poll);
          if (!finished) return reject(new Error(`the shell did not finish in ${timeoutMs} ms:\n${code}\n${stderr}`));
          const failed: string[] = [];
          const errors = stderr
            .slice(0, stderr.indexOf(`${done}\n`))
            .split("\n")
            .filter((line) => {
              if (!line.startsWith(`${FAILED} `)) return true;
              failed.push(line.slice(FAILED.length + 1));
              return false;
            });
          resolve({
            stdout: stdout.slice(0, stdout.indexOf(`\n${done}\n`)).trim(),
            stderr: errors.join("\n").trim(),
            failed,
          });
        }, 20);
      });
    },
    close() {
      if (shell.exitCode === null) shell.kill("SIGKILL");
    },
  };
}
