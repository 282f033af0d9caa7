import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export type LoginLimit = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Sign-in attempts allowed per email address per minute. */
export const LOGIN_ATTEMPTS_PER_EMAIL = 10;
/** Per client IP per minute: higher, since many people may share one address. */
export const LOGIN_ATTEMPTS_PER_IP = 30;

/**
 * Password guessing is slowed per email (one account) and per IP (one guesser, many accounts).
 * Counters are in this process's memory: a restart forgets them, which costs an attacker more
 * than it saves them.
 */
export class LoginLimits {
  private readonly byEmail = new RateLimiterMemory({
    points: LOGIN_ATTEMPTS_PER_EMAIL,
    duration: 60,
    keyPrefix: "login-email",
  });
  private readonly byIp = new RateLimiterMemory({ points: LOGIN_ATTEMPTS_PER_IP, duration: 60, keyPrefix: "login-ip" });

  /** Counts one attempt; refused when either counter is over its limit. */
  async attempt(ip: string, email?: string): Promise<LoginLimit> {
    try {
      await this.byIp.consume(ip);
      if (email !== undefined) await this.byEmail.consume(email);
      return { ok: true };
    } catch (error) {
      if (error instanceof RateLimiterRes)
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
      throw error;
    }
  }

  /** A successful sign-in clears the email's count, so a few typos do not lock its owner out later. */
  async succeeded(email: string): Promise<void> {
    await this.byEmail.delete(email);
  }
}
