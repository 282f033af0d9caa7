import { readFileSync } from "node:fs";
import { spawnTs } from "./child.ts";

/** A server under test, running in its own process on 127.0.0.1. */
export type RunningServer = {
  url: string;
  pid: number;
  /** Resident set size of the server process, in bytes (Linux /proc). */
  rss: () => number;
  stop: () => Promise<void>;
};

const READY = /listening on (http:\/\/[^\s)]+)/i;

/**
 * Starts `file` with PORT=0 and waits for the line "... listening on http://host:port". Its output
 * is drained (and kept in a short tail for error messages) so a chatty server never blocks on a pipe.
 */
export function startServer(file: string, env: Record<string, string>, timeoutMs = 30_000): Promise<RunningServer> {
  const child = spawnTs(file, [], { PORT: "0", HOST: "127.0.0.1", ...env });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk).slice(-4000);
  };
  child.stderr?.on("data", keep);
  let ready = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${file} did not start in ${timeoutMs} ms: ${tail}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    const early = (code: number | null) => fail(new Error(`${file} exited with ${code} before it was ready: ${tail}`));
    child.on("exit", early);
    child.stdout?.on("data", (chunk: Buffer) => {
      keep(chunk);
      if (ready) return;
      const match = READY.exec(tail);
      if (!match?.[1] || !child.pid) return;
      ready = true;
      clearTimeout(timer);
      child.off("exit", early);
      const pid = child.pid;
      const url = match[1].replace("localhost", "127.0.0.1");
      const exited = new Promise<void>((done) => child.once("exit", () => done()));
      resolve({
        url,
        pid,
        rss: () => rssOf(pid),
        stop: async () => {
          child.kill("SIGTERM");
          const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}

/** The Portcullis server itself (`main.ts`) on a data directory. */
export function startPortcullis(dataDir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer("packages/server/src/main.ts", { PORTCULLIS_DATA_DIR: dataDir, ...env });
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** Servers a scenario started, stopped together when it closes or fails half-way. */
export function serverGroup() {
  const started: RunningServer[] = [];
  return {
    async add(starting: Promise<RunningServer>): Promise<RunningServer> {
      const server = await starting;
      started.push(server);
      return server;
    },
    async stopAll(): Promise<void> {
      await Promise.all(started.splice(0).map((s) => s.stop()));
    },
  };
}
