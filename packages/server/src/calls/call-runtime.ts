import { newId } from "@portcullis/core";
import type { FastifyBaseLogger } from "fastify";
import type { WebSocket } from "ws";
import type { Clock } from "../domain/clock.ts";
import type { Cipher } from "../secrets/cipher.ts";
import type { CallMessage, CallRecord, EndedReason } from "../storage/records.ts";
import type { CallEnd, Store } from "../storage/store.ts";
import { CallEvents } from "./call-events.ts";
import { CallSession, realScheduler, type Scheduler } from "./call-session.ts";
import { ENGINES } from "./engines/index.ts";
import { scriptEngine } from "./engines/script-engine.ts";
import { recordCallEnd } from "./record-end.ts";

/** How long a started call waits for its browser to join before it ends as "join-timeout". */
export const JOIN_WINDOW_MS = 60_000;

export type RuntimeOptions = {
  store: Store;
  cipher: Cipher;
  clock: Clock;
  logger: FastifyBaseLogger;
  schedule?: Scheduler;
  fetch?: typeof fetch;
  /** How long a provider may stay silent before the turn fails. */
  providerTimeoutMs?: number;
  /** This process's instance, recorded on the calls it runs. Default: a new one. */
  instanceId?: string;
};

/**
 * Owns every live call of this process: join timers for queued calls, the session of each joined
 * call, ending calls from the API, and shutdown. Reports starts and ends through {@link CallEvents}.
 */
export class CallRuntime {
  readonly events = new CallEvents();
  private readonly sessions = new Map<string, CallSession>();
  private readonly joinTimers = new Map<string, () => void>();
  private readonly schedule: Scheduler;
  /** Names this process on the calls it runs (see instance-lease.ts). */
  readonly instanceId: string;

  constructor(private readonly options: RuntimeOptions) {
    this.schedule = options.schedule ?? realScheduler;
    this.instanceId = options.instanceId ?? newId("instance");
  }

  get liveCount(): number {
    return this.sessions.size;
  }

  /**
   * At start-up: every queued call gets a join timer here too, whichever process started it — the
   * one that did may be gone. The first timer to fire ends the call; one that finds it joined does
   * nothing. (Calls in progress are settled by their instance's lease: instance-lease.ts.)
   */
  async reconcile(): Promise<void> {
    for (const call of await this.options.store.listQueuedCalls()) this.awaitJoin(call.id, call.joinExpiresAtMs);
  }

  /** Tells listeners about calls this process ended for a server process that is gone. */
  recordedElsewhere(calls: readonly CallRecord[]): void {
    for (const call of calls) {
      this.options.logger.warn(
        { callId: call.id, reason: call.endedReason },
        "the call's server process is gone; recorded as ended",
      );
      this.events.emitEnd(call);
    }
  }

  /**
   * Ends the sessions whose calls another process recorded as ended — through the API, or for this
   * process when it judged it gone after a stall — so none runs on with its holds given back. The
   * client is told the recorded reason; nothing new is recorded.
   */
  async endSessionsEndedElsewhere(): Promise<void> {
    for (const [id, session] of this.sessions) {
      const call = await this.options.store.findCall(id);
      if (call?.status === "ended") void session.end(call.endedReason ?? "server-shutdown");
    }
  }

  /** A new call waits for its browser; it ends as "join-timeout" if none comes in time. */
  awaitJoin(callId: string, expiresAtMs: number): void {
    const delay = Math.max(0, expiresAtMs - this.options.clock.now());
    const cancel = this.schedule(delay, () => {
      this.joinTimers.delete(callId);
      void this.finishQueued(callId, "join-timeout", "queued");
    });
    this.joinTimers.set(callId, cancel);
  }

  /** Runs a joined call on its socket (the join token was already spent by the store). */
  async attach(call: CallRecord, socket: WebSocket): Promise<void> {
    this.joinTimers.get(call.id)?.();
    this.joinTimers.delete(call.id);
    // The socket is open already: frames a client sends while the call's instance is recorded and
    // the credential read would be dropped by an emitter with no listener, so hold them for the session.
    const early: [Buffer, boolean][] = [];
    const hold = (data: Buffer, isBinary: boolean) => early.push([data, isBinary]);
    socket.on("message", hold);
    // Before the call starts, so the other processes see whose it is: until then they leave a joined
    // call alone for a lease, then take it for one whose process is gone.
    try {
      await this.options.store.setCallOwner(call.id, this.instanceId);
    } catch (error) {
      this.options.logger.error({ err: error, callId: call.id }, "could not record the call's instance");
    }
    const config = call.config ?? {};
    // An assistant without a model runs the offline script engine with its fallback reply.
    const model = (config.model as Record<string, unknown> | undefined) ?? { provider: "script" };
    const kind = ENGINES[String(model.provider)] ?? scriptEngine;
    const variables = Object.fromEntries(
      Object.entries((call.assistantOverrides?.variableValues as Record<string, unknown> | undefined) ?? {}).map(
        ([k, v]) => [k, String(v)],
      ),
    );
    let apiKey: string | undefined;
    let unreadable = false;
    if (kind.credential) {
      try {
        const credential = (await this.options.store.listCredentials(call.orgId)).find(
          (c) => c.provider === kind.credential,
        );
        if (credential) apiKey = this.options.cipher.open(credential.encryptedApiKey, credential.id);
      } catch (error) {
        // E.g. sealed under another master key. The call ends cleanly; the process must not crash.
        this.options.logger.error({ err: error, callId: call.id }, "could not read the provider credential");
        unreadable = true;
      }
    }
    socket.off("message", hold);
    const session = new CallSession({
      call,
      socket,
      engine: kind.create({
        model,
        variables,
        apiKey,
        fetch: this.options.fetch ?? fetch,
        timeoutMs: this.options.providerTimeoutMs ?? 20_000,
      }),
      variables,
      clock: this.options.clock,
      schedule: this.schedule,
      finish: (ended, reason, messages) => this.finishLive(ended, reason, messages),
    });
    this.sessions.set(call.id, session);
    this.events.emitStart(call);
    session.start();
    for (const [data, isBinary] of early) socket.emit("message", data, isBinary);
    // A client that left while the credential was read: its close event is already gone.
    if (socket.readyState === socket.CLOSED) void session.end("customer-ended-call");
    else if (unreadable)
      void session.end("provider-error", {
        code: "PROVIDER_ERROR",
        message: "The provider credential could not be read.",
      });
  }

  /** Ends a call from the API: a live one through its session, a queued one at once. */
  async end(callId: string, reason: EndedReason): Promise<boolean> {
    const session = this.sessions.get(callId);
    if (session) {
      await session.end(reason);
      return true;
    }
    this.joinTimers.get(callId)?.();
    this.joinTimers.delete(callId);
    return (await this.finishQueued(callId, reason)) !== undefined;
  }

  /** Ends every live call as "server-shutdown" and records it; stops join timers. */
  async shutdown(): Promise<void> {
    for (const cancel of this.joinTimers.values()) cancel();
    this.joinTimers.clear();
    await Promise.all([...this.sessions.values()].map((s) => s.end("server-shutdown")));
  }

  private async finishQueued(callId: string, reason: EndedReason, from?: "queued"): Promise<CallRecord | undefined> {
    return this.record(
      callId,
      { endedAt: new Date(this.options.clock.now()).toISOString(), endedReason: reason, durationSeconds: 0 },
      from,
    );
  }

  /** Writes the end, its audit event and its settlement in one transaction, then tells listeners (once per call). */
  private async record(callId: string, end: CallEnd, from?: "queued"): Promise<CallRecord | undefined> {
    const ended = await recordCallEnd(this.options.store, this.options.clock, callId, end, from ? { from } : {});
    if (ended) this.events.emitEnd(ended);
    return ended;
  }

  private async finishLive(call: CallRecord, reason: EndedReason, messages: CallMessage[]): Promise<void> {
    this.sessions.delete(call.id);
    const now = this.options.clock.now();
    const started = call.startedAt ? Date.parse(call.startedAt) : now;
    await this.record(call.id, {
      endedAt: new Date(now).toISOString(),
      endedReason: reason,
      durationSeconds: Math.round(Math.max(0, now - started)) / 1000,
      messages,
    });
  }
}
