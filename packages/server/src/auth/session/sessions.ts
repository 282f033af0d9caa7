import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { compilePolicy, newId } from "@portcullis/core";
import type { Clock } from "../../domain/clock.ts";
import type { MemberRecord, MemberRole, SessionRecord } from "../../storage/records.ts";
import type { Store } from "../../storage/store.ts";
import type { ResolvedKey } from "../key-cache.ts";

/** A session ends after 12 hours without a request… */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** …and 7 days after sign-in, whatever the activity. */
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60 * 1000;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A signed-in member acting for their org: private-tag authority, narrowed by role in the auth
 * hook. `id` is the member's ID, so audit rows name the person who made a change.
 */
export type SessionPrincipal = ResolvedKey & {
  via: "session";
  memberId: string;
  email: string;
  role: MemberRole;
  sessionId: string;
  csrfToken: string;
};

export type SessionResult = { ok: true; principal: SessionPrincipal } | { ok: false; code: "SESSION_EXPIRED" };

// A session can do what the org's private key can (roles narrow it); it carries no key restrictions.
const SESSION_POLICY = compilePolicy({
  enabled: true,
  allowTransientAssistant: false,
  allowedOverrides: [],
  mode: "enforce",
});

const sha256 = (value: string): string => createHash("sha256").update(value).digest("hex");

/**
 * The CSRF token of a session, derived from its secret cookie value (HMAC, keyed by it), so it needs
 * no storage and a page on another site, which cannot read the cookie, cannot compute it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac("sha256", sessionToken).update("portcullis-csrf-v1").digest("base64url");
}

/** Constant-time comparison of the `x-csrf-token` header with the session's token. */
export function csrfMatches(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== "string" || sent.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
}

/** Sessions stored by the SHA-256 of their cookie value: a copy of the database signs no one in. */
export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Starts a session for `member` (through `store`, so it can join a caller's transaction). */
  async start(member: MemberRecord, store: Store = this.store): Promise<{ token: string; session: SessionRecord }> {
    const token = randomBytes(32).toString("base64url");
    const now = this.clock.now();
    const session: SessionRecord = {
      id: newId("session"),
      orgId: member.orgId,
      memberId: member.id,
      tokenHash: sha256(token),
      createdAt: new Date(now).toISOString(),
      lastSeenAtMs: now,
      expiresAtMs: now + SESSION_MAX_MS,
    };
    await store.insertSession(session);
    return { token, session };
  }

  /** The principal of a live session; an unknown, revoked, idle or too old one is SESSION_EXPIRED. */
  async resolve(token: string): Promise<SessionResult> {
    if (!TOKEN.test(token)) return { ok: false, code: "SESSION_EXPIRED" };
    const found = await this.store.findSession(sha256(token));
    if (!found) return { ok: false, code: "SESSION_EXPIRED" };
    const { session, member } = found;
    const now = this.clock.now();
    if (now >= session.expiresAtMs || now - session.lastSeenAtMs >= SESSION_IDLE_MS) {
      await this.store.deleteSession(session.id);
      return { ok: false, code: "SESSION_EXPIRED" };
    }
    if (now - session.lastSeenAtMs >= TOUCH_EVERY_MS) await this.store.touchSession(session.id, now);
    return {
      ok: true,
      principal: {
        id: member.id,
        orgId: member.orgId,
        tag: "private",
        revoked: false,
        policy: SESSION_POLICY,
        via: "session",
        memberId: member.id,
        email: member.email,
        role: member.role,
        sessionId: session.id,
        csrfToken: csrfTokenFor(token),
      },
    };
  }

  /** Drops sessions that can no longer be used (they are refused anyway; this keeps the table small). */
  purge(): Promise<number> {
    const now = this.clock.now();
    return this.store.purgeSessions(now, now - SESSION_IDLE_MS);
  }
}
