import type { CallRecord } from "../storage/records.ts";

export type CallListener = (call: CallRecord) => void;

/**
 * The one place the runtime reports live calls starting and ending, so limits (concurrency per
 * key, per user, per org) can count them without touching the runtime.
 */
export class CallEvents {
  private readonly started: CallListener[] = [];
  private readonly ended: CallListener[] = [];

  onStart(listener: CallListener): void {
    this.started.push(listener);
  }

  onEnd(listener: CallListener): void {
    this.ended.push(listener);
  }

  emitStart(call: CallRecord): void {
    for (const listener of this.started) listener(call);
  }

  emitEnd(call: CallRecord): void {
    for (const listener of this.ended) listener(call);
  }
}
