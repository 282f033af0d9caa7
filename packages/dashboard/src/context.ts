import type { Member } from "./types.ts";

/** Who is signed in; `member` is absent when signed in with a private key. */
export type Ctx = { member: Member | null; orgId: string | null; signOut(): void };

/** Viewers may read everything and change nothing; the server refuses their writes (ROLE_FORBIDDEN). */
export function readOnly(ctx: Ctx): boolean {
  return ctx.member?.role === "viewer";
}
