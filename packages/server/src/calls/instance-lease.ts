import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import type { FastifyBaseLogger } from "fastify";
import type { Clock } from "../domain/clock.ts";
import type { InstanceRecord, Store } from "../storage/store.ts";
import type { CallRuntime } from "./call-runtime.ts";
import { type Liveness, reconcileInstances } from "./orphaned-calls.ts";

export type LeaseOptions = {
  store: Store;
  clock: Clock;
  runtime: CallRuntime;
  logger: FastifyBaseLogger;
  /** How often this process renews its heartbeat and looks for calls of gone processes. */
  heartbeatMs: number;
  /** How long a process may go without a heartbeat before its calls are ended for it. */
  leaseMs: number;
};

/**
 * This server process as an instance among those sharing the database: a heartbeat row renewed
 * every `heartbeatMs`, and at each beat the calls of instances that are gone — no heartbeat for
 * `leaseMs`, or, on this host, their process has exited — ended and their holds settled. Calls of
 * live instances are never touched, so a process may start while others serve calls. At each beat
 * too, this process's sessions whose calls were ended elsewhere (the API through another process)
 * are ended here.
 */
export class InstanceLease {
  private readonly self: InstanceRecord;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: LeaseOptions) {
    this.self = {
      id: options.runtime.instanceId,
      host: hostIdentity(),
      pid: process.pid,
      startedAt: new Date(options.clock.now()).toISOString(),
      lastSeenMs: options.clock.now(),
    };
  }

  /**
   * Registers this instance and settles the calls of gone ones (rebuilding the concurrency counters
   * when no other instance is live), gives queued calls their join timers, then beats until stop().
   * Call it before the server takes traffic.
   */
  async start(): Promise<void> {
    const { store, runtime } = this.options;
    await store.registerInstance({ ...this.self, lastSeenMs: this.options.clock.now() });
    await this.beat({ rebuildIfAlone: true });
    await runtime.reconcile();
    this.schedule();
  }

  /** Stops beating and removes this instance's row: it has no live calls left to claim. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.beating;
    await this.options.store.removeInstances([this.self.id]);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.beating = this.beat().then(
        () => this.schedule(),
        (error: unknown) => {
          // E.g. the database stayed locked past its busy timeout: the next beat tries again.
          this.options.logger.error({ err: error }, "instance heartbeat failed");
          this.schedule();
        },
      );
    }, this.options.heartbeatMs);
    // The heartbeat alone must not keep a process alive that has nothing else to do.
    this.timer.unref();
  }

  private async beat(options: { rebuildIfAlone?: boolean } = {}): Promise<void> {
    const { store, clock, runtime, logger } = this.options;
    const live: Liveness = {
      self: this.self,
      nowMs: clock.now(),
      leaseMs: this.options.leaseMs,
      processExists,
    };
    const result = await reconcileInstances(store, clock, this.self, live, options);
    runtime.recordedElsewhere(result.ended);
    if (result.wasPresumedDead)
      logger.error("another process judged this one gone (no heartbeat within the lease) and ended its calls");
    await runtime.endSessionsEndedElsewhere();
  }
}

/**
 * Names the machine and PID namespace this process runs in, so a process ID means the same process
 * to every instance that shares it: on Linux the boot ID and the PID namespace (containers on one
 * host share the first, not the second); elsewhere the host name.
 */
export function hostIdentity(): string {
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    return `${boot}/${readlinkSync("/proc/self/ns/pid")}`;
  } catch {
    return hostname();
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
