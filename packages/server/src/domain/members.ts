import { createHash, randomBytes } from "node:crypto";
import { newId } from "@portcullis/core";
import { hashPassword } from "../auth/session/passwords.ts";
import type { MemberRecord, MemberRole } from "../storage/records.ts";
import type { Store } from "../storage/store.ts";
import type { Clock } from "./clock.ts";

/** A setup link works for 24 hours (and once). */
export const SETUP_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

const sha256 = (value: string): string => createHash("sha256").update(value).digest("hex");

/** Emails are compared without case: `Ada@Example.com` and `ada@example.com` are one account. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * Creates a one-time link that lets whoever opens it create the org's owner, valid for 24 hours.
 * Only the SHA-256 of its token is stored. `npm start` prints one for every org without members;
 * `portcullis init` and `portcullis orgs create` print one for the org they create.
 *
 * @example
 * const url = await createSetupLink(store, org.id, "http://localhost:8787", systemClock);
 * console.log(`Open ${url} to create the owner`);
 */
export async function createSetupLink(store: Store, orgId: string, publicUrl: string, clock: Clock): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const now = clock.now();
  await store.insertSetupToken({
    tokenHash: sha256(token),
    orgId,
    createdAt: new Date(now).toISOString(),
    expiresAtMs: now + SETUP_TOKEN_TTL_MS,
  });
  return `${publicUrl.replace(/\/$/, "")}/dashboard/#/setup?token=${token}`;
}

class EmailTaken extends Error {}

/**
 * Spends a setup token and creates the org's owner, then runs `andThen` (the session, the audit
 * row), all in one transaction. "invalid" when the token is wrong, expired or spent, or the org
 * already has members (another link was used first); "email-taken" leaves the token unspent.
 */
export async function setupOwner<T>(
  store: Store,
  clock: Clock,
  input: { token: string; email: string; password: string },
  andThen: (tx: Store, member: MemberRecord) => Promise<T>,
): Promise<{ member: MemberRecord; outcome: T } | "invalid" | "email-taken"> {
  const passwordHash = await hashPassword(input.password);
  const email = normalizeEmail(input.email);
  try {
    return await store.transaction(async (tx) => {
      const orgId = await tx.consumeSetupToken(sha256(input.token), clock.now());
      if (orgId === undefined || (await tx.countMembers(orgId)) > 0) return "invalid" as const;
      // Thrown, not returned, so the transaction rolls back and the token still works.
      if (await tx.findMemberByEmail(email)) throw new EmailTaken();
      const member = newMember(orgId, email, "owner", passwordHash, clock);
      await tx.insertMember(member);
      await tx.deleteSetupTokens(orgId);
      return { member, outcome: await andThen(tx, member) };
    });
  } catch (error) {
    if (error instanceof EmailTaken) return "email-taken";
    throw error;
  }
}

export function newMember(
  orgId: string,
  email: string,
  role: MemberRole,
  passwordHash: string,
  clock: Clock,
): MemberRecord {
  return {
    id: newId("member"),
    orgId,
    email: normalizeEmail(email),
    role,
    passwordHash,
    createdAt: new Date(clock.now()).toISOString(),
  };
}

/**
 * Who may manage whom: owners and admins manage members, and only an owner adds, removes or
 * signs out an owner. Viewers manage no one.
 */
export function mayManage(actor: MemberRole, target: MemberRole): boolean {
  if (actor === "owner") return true;
  return actor === "admin" && target !== "owner";
}
