import { execFileSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { ROOT } from "./child.ts";

export type Machine = {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  commit: string;
  /** 1-minute load average when the suite started: a busy neighbour shows here. */
  loadAverage: number;
};

export function describeMachine(): Machine {
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {}
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit,
    loadAverage: Number(loadavg()[0]?.toFixed(2)),
  };
}
