import { auditEvent } from "../audit/audit-event.ts";
import { audited } from "../audit/audited.ts";
import { hashPassword } from "../auth/session/passwords.ts";
import type { MemberRecord } from "../storage/records.ts";
import type { Store } from "../storage/store.ts";
import type { Clock } from "./clock.ts";
import type { RoleChanger } from "./member-role.ts";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, mayManage } from "./members.ts";

/** Who sets the password: a signed-in owner or admin (with their request's IP), or the operator. */
export type PasswordSetter = RoleChanger;

export type PasswordReset =
  | { ok: true; member: MemberRecord; sessionsEnded: number }
  | { ok: false; code: "NOT_FOUND" }
  | { ok: false; code: "ROLE_FORBIDDEN" }
  /** `own-password`: a member resets only others'; their own goes through `POST /session/password`. */
  | { ok: false; code: "VALIDATION_FAILED"; problem: "own-password" | "password-length" };

type Refusal = Extract<PasswordReset, { ok: false }>;

// Counted in code points, as the route's JSON schema (Ajv) counts them.
const lengthOk = (password: string) => {
  const length = [...password].length;
  return length >= MIN_PASSWORD_LENGTH && length <= MAX_PASSWORD_LENGTH;
};

function refusalFor(target: MemberRecord | undefined, by: PasswordSetter): Refusal | undefined {
  if (!target) return { ok: false, code: "NOT_FOUND" };
  if ("operator" in by) return undefined;
  if (target.id === by.memberId) return { ok: false, code: "VALIDATION_FAILED", problem: "own-password" };
  if (!mayManage(by.role, target.role)) return { ok: false, code: "ROLE_FORBIDDEN" };
  return undefined;
}

/**
 * Gives another member a new password and ends every session of theirs, audited as
 * `member.password-reset` in the same transaction (never with the password). The way back in for a
 * member who lost their password: an owner or admin sets it (an admin not an owner's, as with every
 * member change), or the operator on the data directory when no owner can sign in. A member does
 * not reset their own: `POST /session/password` asks for the current one, which an open session alone
 * must not replace.
 *
 * @example
 * const result = await setMemberPassword(store, clock, orgId, "mem_…", "a new long password", { operator: true });
 * if (result.ok) console.log(`${result.sessionsEnded} session(s) ended`);
 */
export async function setMemberPassword(
  store: Store,
  clock: Clock,
  orgId: string,
  memberId: string,
  password: string,
  by: PasswordSetter,
): Promise<PasswordReset> {
  if (!lengthOk(password)) return { ok: false, code: "VALIDATION_FAILED", problem: "password-length" };
  // Refuse before the scrypt work; asked again inside the transaction, where the answer holds.
  const early = refusalFor(await store.getMember(orgId, memberId), by);
  if (early) return early;
  const passwordHash = await hashPassword(password);
  let refused: Refusal | undefined;
  const reset = await audited(
    store,
    async (tx) => {
      const target = await tx.getMember(orgId, memberId);
      refused = refusalFor(target, by);
      if (refused || !target) return undefined;
      await tx.updateMemberPassword(orgId, target.id, passwordHash);
      return { member: target, sessionsEnded: await tx.deleteMemberSessions(orgId, target.id) };
    },
    ({ member, sessionsEnded }) =>
      auditEvent(clock, orgId, "member.password-reset", {
        actorKeyId: "memberId" in by ? by.memberId : null,
        targetId: member.id,
        ip: "ip" in by ? (by.ip ?? null) : null,
        details: { email: member.email, sessionsEnded, via: "operator" in by ? "cli" : "session" },
      }),
  );
  if (!reset) return refused ?? { ok: false, code: "NOT_FOUND" };
  return { ok: true, ...reset };
}
