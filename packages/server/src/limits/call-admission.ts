import type { ErrorCode, Restrictions, SpendLimit } from "@portcullis/core";
import type { OrgSettings, Reservation } from "../storage/records.ts";
import type { Store } from "../storage/store.ts";
import { periodKey } from "./periods.ts";
import type { RateLimits, RateSubject } from "./rate-limits.ts";

/** A call shorter than this is not worth starting on what is left of a spend cap. */
export const MIN_GRANT_SECONDS = 30;

export type AdmissionRequest = {
  orgId: string;
  keyId: string;
  restrictions: Restrictions;
  org: OrgSettings;
  subject: RateSubject;
  /** The call's maximum duration before caps. */
  wantSeconds: number;
  nowMs: number;
};

export type Admission =
  | {
      ok: true;
      reservations: Reservation[];
      maxDurationSeconds: number;
      durationLimitedBy: "spend-limit" | null;
      /** The spend caps that applied, by counter scope (for threshold alerts). */
      caps: Map<string, number>;
    }
  | { ok: false; code: ErrorCode; retryAfterSeconds?: number; scope?: string };

type Cap = { scope: string; cap: number };

function spendScope(limit: SpendLimit | undefined, owner: string, nowMs: number): Cap | undefined {
  return limit && { scope: `spend:${owner}:${periodKey(limit.period, nowMs)}`, cap: limit.minutes * 60 };
}

/**
 * Admits a call start against every limit, in order — rate limits, then concurrent calls (key,
 * user, org), then spend caps (key, user, org) — or refuses it with the code of the first limit it
 * hits. Each counter moves by one guarded atomic statement; when a later limit refuses, the
 * holds already taken are given back, so a refused start holds nothing.
 *
 * A call reserves its whole maximum duration against each spend cap. When less is left (but at
 * least {@link MIN_GRANT_SECONDS}), the call gets what is left and ends as "limit-exceeded" there.
 */
export async function admitCall(store: Store, rates: RateLimits, req: AdmissionRequest): Promise<Admission> {
  const { restrictions: r, org, subject, nowMs } = req;
  if (r.rateLimits) {
    const rate = await rates.consume(r.rateLimits, subject);
    if (!rate.ok) return { ok: false, code: "RATE_LIMITED", retryAfterSeconds: rate.retryAfterSeconds };
  }

  const held: Reservation[] = [];
  const refuse = async (code: ErrorCode, scope: string): Promise<Admission> => {
    await releaseAll(store, held);
    return { ok: false, code, scope };
  };

  // Anonymous callers (no token `sub`) share the key's pool, so one counter serves them all.
  const user = subject.user ?? "anonymous";
  const concurrency: Cap[] = [];
  if (r.maxConcurrentCalls) concurrency.push({ scope: `conc:key:${req.keyId}`, cap: r.maxConcurrentCalls });
  if (r.maxConcurrentCallsPerUser)
    concurrency.push({ scope: `conc:user:${req.keyId}:${user}`, cap: r.maxConcurrentCallsPerUser });
  if (org.maxConcurrentCalls) concurrency.push({ scope: `conc:org:${req.orgId}`, cap: org.maxConcurrentCalls });
  for (const { scope, cap } of concurrency) {
    if (!(await store.reserveCounter(scope, 1, cap))) return refuse("CONCURRENCY_LIMIT", scope);
    held.push({ kind: "concurrency", scope, amount: 1 });
  }

  const caps = [
    spendScope(r.spendLimit, `key:${req.keyId}`, nowMs),
    spendScope(r.userSpendLimit, `user:${req.keyId}:${user}`, nowMs),
    spendScope(org.spendLimit, `org:${req.orgId}`, nowMs),
  ].filter((c): c is Cap => c !== undefined);
  let grant = req.wantSeconds;
  for (const { scope, cap } of caps) grant = Math.min(grant, cap - (await store.readCounter(scope)));
  if (grant < Math.min(MIN_GRANT_SECONDS, req.wantSeconds)) return refuse("SPEND_LIMIT_REACHED", caps[0]?.scope ?? "");
  for (const { scope, cap } of caps) {
    // The read above may be stale by now; the guarded statement is what decides.
    if (!(await store.reserveCounter(scope, grant, cap))) return refuse("SPEND_LIMIT_REACHED", scope);
    held.push({ kind: "spend", scope, amount: grant });
  }
  return {
    ok: true,
    reservations: held,
    maxDurationSeconds: grant,
    durationLimitedBy: grant < req.wantSeconds ? "spend-limit" : null,
    caps: new Map(caps.map((c) => [c.scope, c.cap])),
  };
}

/** Gives back every hold (a refused or failed start). */
export async function releaseAll(store: Store, reservations: readonly Reservation[]): Promise<void> {
  for (const r of reservations) await store.releaseCounter(r.scope, r.amount);
}

/**
 * When a call ends: its concurrent-call slots are freed and the unused part of each spend
 * reservation is given back (the call is charged `usedSeconds`, rounded up to the second). Pass
 * the caller's transaction, so the end and its settlement commit together.
 */
export async function settleCall(
  store: Store,
  reservations: readonly Reservation[],
  usedSeconds: number,
): Promise<void> {
  const used = Math.ceil(usedSeconds);
  for (const r of reservations)
    await store.releaseCounter(r.scope, r.kind === "concurrency" ? r.amount : Math.max(0, r.amount - used));
}

/**
 * Rebuilds concurrent-call counters from the calls that are still open. Only correct while no other
 * process is admitting calls: the start-up reconciliation runs it when it finds no other live
 * instance, to give back slots that a crash between a hold and its call's row left taken.
 */
export async function rebuildConcurrency(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    const open = new Map<string, number>();
    for (const call of await tx.listOpenCalls())
      for (const r of call.reservations)
        if (r.kind === "concurrency") open.set(r.scope, (open.get(r.scope) ?? 0) + r.amount);
    await tx.resetCounters("conc:");
    for (const [scope, used] of open) await tx.setCounter(scope, used);
  });
}
