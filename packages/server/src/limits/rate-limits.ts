import type { RateLimitRule } from "@portcullis/core";
import type SqliteDatabase from "better-sqlite3";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { RateLimiterMemory, RateLimiterRes, RateLimiterSQLite } from "rate-limiter-flexible";

const RATE_LIMIT_TABLE = "rate_limits";

/** Who a request counts against, for each `per` of a rate-limit rule. */
export type RateSubject = { keyId: string; ip: string; user: string | undefined; origin: string | undefined };

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; rule: RateLimitRule };

/**
 * Rate limits on call starts, on rate-limiter-flexible. With a SQLite handle the counters live in
 * the database, so every process sharing it enforces one limit; without one they are per process.
 * One limiter per distinct (requests, window), created on first use.
 */
export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(private readonly sqlite: SqliteDatabase.Database | undefined) {
    // The library creates its table asynchronously and refuses every consume until then, so the
    // first call start of a fresh process would fail; better-sqlite3 is synchronous, so create it
    // here (the library's own layout) and tell each limiter it exists.
    sqlite
      ?.prepare(
        `CREATE TABLE IF NOT EXISTS ${RATE_LIMIT_TABLE} (key TEXT PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire INTEGER)`,
      )
      .run();
  }

  async consume(rules: readonly RateLimitRule[], subject: RateSubject): Promise<RateDecision> {
    for (const rule of rules) {
      const who =
        rule.per === "key"
          ? "-"
          : rule.per === "ip"
            ? subject.ip
            : rule.per === "user"
              ? (subject.user ?? "anonymous")
              : (subject.origin ?? "none");
      try {
        await this.limiter(rule).consume(`${subject.keyId}|${rule.per}|${who}`);
      } catch (error) {
        if (error instanceof RateLimiterRes)
          return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)), rule };
        throw error;
      }
    }
    return { ok: true };
  }

  private limiter(rule: RateLimitRule): RateLimiterAbstract {
    const id = `${rule.requests}_${rule.windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const options = { points: rule.requests, duration: rule.windowSeconds, keyPrefix: `rl${id}` };
      limiter = this.sqlite
        ? new RateLimiterSQLite({
            ...options,
            storeClient: this.sqlite,
            storeType: "better-sqlite3",
            tableName: RATE_LIMIT_TABLE,
            tableCreated: true,
            clearExpiredByTimeout: true,
          })
        : new RateLimiterMemory(options);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
