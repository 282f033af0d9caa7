import { auditEvent } from "../audit/audit-event.ts";
import type { MemberRecord, MemberRole } from "../storage/records.ts";
import type { Store } from "../storage/store.ts";
import type { Clock } from "./clock.ts";
import { mayManage } from "./members.ts";

/** Who asks for the change: a signed-in owner or admin, or the operator on the data directory. */
export type RoleChanger = { memberId: string; role: MemberRole; ip?: string } | { operator: true };

export type RoleChange =
  | { ok: true; member: MemberRecord; previousRole: MemberRole }
  | { ok: false; code: "NOT_FOUND" | "ROLE_FORBIDDEN" | "LAST_OWNER" };

/**
 * Gives a member another role, audited as `member.update` in the same transaction. An admin
 * changes only non-owners, and only to admin or viewer (so no one promotes themselves past their
 * own role); an owner changes anyone; the operator too. The org's last owner keeps the role
 * (`LAST_OWNER`), decided by the store's guarded statement, not by a count read before it.
 *
 * @example
 * const result = await changeMemberRole(store, clock, orgId, "mem_…", "admin", { operator: true });
 * if (!result.ok) console.error(result.code);
 */
export async function changeMemberRole(
  store: Store,
  clock: Clock,
  orgId: string,
  memberId: string,
  role: MemberRole,
  by: RoleChanger,
): Promise<RoleChange> {
  return store.transaction(async (tx) => {
    const target = await tx.getMember(orgId, memberId);
    if (!target) return { ok: false, code: "NOT_FOUND" };
    if ("role" in by && !(mayManage(by.role, target.role) && mayManage(by.role, role)))
      return { ok: false, code: "ROLE_FORBIDDEN" };
    if (target.role === role) return { ok: true, member: target, previousRole: target.role };
    const member = await tx.updateMemberRole(orgId, memberId, role);
    // The member exists (read above, in this transaction): only the last-owner guard refuses.
    if (!member) return { ok: false, code: "LAST_OWNER" };
    await tx.appendAudit(
      auditEvent(clock, orgId, "member.update", {
        actorKeyId: "memberId" in by ? by.memberId : null,
        targetId: member.id,
        ip: "ip" in by ? (by.ip ?? null) : null,
        details: {
          email: member.email,
          role: member.role,
          previousRole: target.role,
          ...("operator" in by && { via: "cli" }),
        },
      }),
    );
    return { ok: true, member, previousRole: target.role };
  });
}
