import type { Kysely, Transaction } from "kysely";
import type { Database } from "./database.ts";
import * as assistants from "./kysely/assistants.ts";
import * as audit from "./kysely/audit.ts";
import * as calls from "./kysely/calls.ts";
import * as counters from "./kysely/counters.ts";
import * as credentials from "./kysely/credentials.ts";
import type { Db } from "./kysely/db.ts";
import * as decisions from "./kysely/decision-counts.ts";
import * as instances from "./kysely/instances.ts";
import * as keys from "./kysely/keys.ts";
import * as members from "./kysely/members.ts";
import * as orgs from "./kysely/orgs.ts";
import * as signingKeys from "./kysely/signing-keys.ts";
import * as usedTokens from "./kysely/used-tokens.ts";
import type {
  AssistantRecord,
  AuditEvent,
  AuditQuery,
  CallRecord,
  CredentialRecord,
  DecisionCount,
  KeyRecord,
  MemberRecord,
  MemberRole,
  OrgRecord,
  OrgSettings,
  Page,
  PageQuery,
  SessionRecord,
  SetupTokenRecord,
  SigningKeyRecord,
} from "./records.ts";
import type { CallEnd, InstanceRecord, JoinClaim, Store } from "./store.ts";

export { decodeCursor } from "./kysely/page.ts";

/**
 * The {@link Store} on Kysely: one query path for SQLite now and PostgreSQL later. The queries
 * live per resource in `kysely/`; this class hands them its handle (the database, or the
 * transaction it runs in) and decides which statements commit together.
 */
export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly inTransaction = false,
  ) {}

  async transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.db.transaction().execute((trx: Transaction<Database>) => fn(new KyselyStore(trx, true)));
  }

  /**
   * Runs `fn` in this store's transaction, or in a new one: unlike `db.transaction()` it also
   * works inside a caller's transaction (an audited rotate), since Kysely cannot nest them.
   */
  private atomically<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.transaction((tx) => fn((tx as KyselyStore).db));
  }

  async createOrg(org: OrgRecord, firstKey: KeyRecord): Promise<void> {
    await this.atomically((db) => orgs.createOrg(db, org, firstKey));
  }

  getOrg(id: string): Promise<OrgRecord | undefined> {
    return orgs.getOrg(this.db, id);
  }

  countOrgs(): Promise<number> {
    return orgs.countOrgs(this.db);
  }

  listOrgs(): Promise<OrgRecord[]> {
    return orgs.listOrgs(this.db);
  }

  updateOrgSettings(id: string, settings: OrgSettings): Promise<OrgRecord | undefined> {
    return orgs.updateOrgSettings(this.db, id, settings);
  }

  insertKey(key: KeyRecord): Promise<void> {
    return keys.insertKey(this.db, key);
  }

  findKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    return keys.findKeyByHash(this.db, hash);
  }

  listPrivateKeys(orgId: string): Promise<KeyRecord[]> {
    return keys.listPrivateKeys(this.db, orgId);
  }

  rotateKey(
    orgId: string,
    id: string,
    next: Pick<KeyRecord, "hash" | "displayPrefix" | "encryptedValue" | "previousExpiresAt" | "updatedAt">,
  ): Promise<KeyRecord | undefined> {
    return this.atomically((db) => keys.rotateKey(db, orgId, id, next));
  }

  getKey(orgId: string, id: string): Promise<KeyRecord | undefined> {
    return keys.getKey(this.db, orgId, id);
  }

  listKeys(orgId: string): Promise<KeyRecord[]> {
    return keys.listKeys(this.db, orgId);
  }

  updateKey(
    orgId: string,
    id: string,
    patch: Pick<KeyRecord, "name" | "restrictions" | "updatedAt">,
  ): Promise<KeyRecord | undefined> {
    return keys.updateKey(this.db, orgId, id, patch);
  }

  revokeKey(orgId: string, id: string, at: string): Promise<KeyRecord | undefined> {
    return keys.revokeKey(this.db, orgId, id, at);
  }

  async touchKeys(lastUsed: ReadonlyMap<string, string>): Promise<void> {
    if (lastUsed.size === 0) return;
    await this.atomically((db) => keys.touchKeys(db, lastUsed));
  }

  insertAssistant(assistant: AssistantRecord): Promise<void> {
    return assistants.insertAssistant(this.db, assistant);
  }

  getAssistant(orgId: string, id: string): Promise<AssistantRecord | undefined> {
    return assistants.getAssistant(this.db, orgId, id);
  }

  assistantExists(orgId: string, id: string): Promise<boolean> {
    return assistants.assistantExists(this.db, orgId, id);
  }

  listAssistants(orgId: string, page: PageQuery): Promise<Page<AssistantRecord>> {
    return assistants.listAssistants(this.db, orgId, page);
  }

  updateAssistant(
    orgId: string,
    id: string,
    config: Record<string, unknown>,
    at: string,
  ): Promise<AssistantRecord | undefined> {
    return assistants.updateAssistant(this.db, orgId, id, config, at);
  }

  deleteAssistant(orgId: string, id: string): Promise<AssistantRecord | undefined> {
    return assistants.deleteAssistant(this.db, orgId, id);
  }

  insertCall(call: CallRecord, join: { tokenHash: string; expiresAtMs: number }): Promise<void> {
    return calls.insertCall(this.db, call, join);
  }

  claimCallJoin(id: string, tokenHash: string, nowMs: number, startedAt: string): Promise<JoinClaim> {
    return calls.claimCallJoin(this.db, id, tokenHash, nowMs, startedAt);
  }

  finishCall(id: string, end: CallEnd, from?: "queued" | "in-progress"): Promise<CallRecord | undefined> {
    return calls.finishCall(this.db, id, end, from);
  }

  listOpenCalls(): Promise<CallRecord[]> {
    return calls.listOpenCalls(this.db);
  }

  listQueuedCalls(): Promise<(CallRecord & { joinExpiresAtMs: number })[]> {
    return calls.listQueuedCalls(this.db);
  }

  setCallOwner(id: string, instanceId: string): Promise<boolean> {
    return calls.setCallOwner(this.db, id, instanceId);
  }

  listInProgressCalls(): Promise<{ call: CallRecord; instanceId: string | null }[]> {
    return calls.listInProgressCalls(this.db);
  }

  registerInstance(instance: InstanceRecord): Promise<void> {
    return instances.registerInstance(this.db, instance);
  }

  touchInstance(id: string, nowMs: number): Promise<boolean> {
    return instances.touchInstance(this.db, id, nowMs);
  }

  listInstances(): Promise<InstanceRecord[]> {
    return instances.listInstances(this.db);
  }

  removeInstances(ids: readonly string[]): Promise<void> {
    return instances.removeInstances(this.db, ids);
  }

  getCall(orgId: string, id: string): Promise<CallRecord | undefined> {
    return calls.getCall(this.db, orgId, id);
  }

  findCall(id: string): Promise<CallRecord | undefined> {
    return calls.findCall(this.db, id);
  }

  listCalls(
    orgId: string,
    page: PageQuery & { assistantId?: string | undefined; keyId?: string | undefined },
  ): Promise<Page<CallRecord>> {
    return calls.listCalls(this.db, orgId, page);
  }

  insertCredential(credential: CredentialRecord): Promise<void> {
    return credentials.insertCredential(this.db, credential);
  }

  listCredentials(orgId: string): Promise<CredentialRecord[]> {
    return credentials.listCredentials(this.db, orgId);
  }

  deleteCredential(orgId: string, id: string): Promise<CredentialRecord | undefined> {
    return credentials.deleteCredential(this.db, orgId, id);
  }

  insertSigningKey(key: SigningKeyRecord): Promise<void> {
    return signingKeys.insertSigningKey(this.db, key);
  }

  listSigningKeys(orgId: string): Promise<SigningKeyRecord[]> {
    return signingKeys.listSigningKeys(this.db, orgId);
  }

  getSigningKey(orgId: string, id: string): Promise<SigningKeyRecord | undefined> {
    return signingKeys.getSigningKey(this.db, orgId, id);
  }

  deleteSigningKey(orgId: string, id: string): Promise<SigningKeyRecord | undefined> {
    return signingKeys.deleteSigningKey(this.db, orgId, id);
  }

  consumeTokenId(orgId: string, jti: string, expiresAtMs: number): Promise<boolean> {
    return usedTokens.consumeTokenId(this.db, orgId, jti, expiresAtMs);
  }

  purgeUsedTokens(nowMs: number): Promise<number> {
    return usedTokens.purgeUsedTokens(this.db, nowMs);
  }

  reserveCounter(scope: string, amount: number, cap: number): Promise<boolean> {
    return counters.reserveCounter(this.db, scope, amount, cap);
  }

  readCounter(scope: string): Promise<number> {
    return counters.readCounter(this.db, scope);
  }

  releaseCounter(scope: string, amount: number): Promise<void> {
    return counters.releaseCounter(this.db, scope, amount);
  }

  resetCounters(prefix: string): Promise<void> {
    return counters.resetCounters(this.db, prefix);
  }

  setCounter(scope: string, used: number): Promise<void> {
    return counters.setCounter(this.db, scope, used);
  }

  appendAudit(event: AuditEvent): Promise<void> {
    return audit.appendAudit(this.db, event);
  }

  listAudit(orgId: string, query: AuditQuery): Promise<Page<AuditEvent>> {
    return audit.listAudit(this.db, orgId, query);
  }

  async addDecisionCounts(counts: DecisionCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.atomically((db) => decisions.addDecisionCounts(db, counts));
  }

  decisionCounts(orgId: string, keyId: string, since: string): Promise<DecisionCount[]> {
    return decisions.decisionCounts(this.db, orgId, keyId, since);
  }

  insertMember(member: MemberRecord): Promise<void> {
    return members.insertMember(this.db, member);
  }

  findMemberByEmail(email: string): Promise<MemberRecord | undefined> {
    return members.findMemberByEmail(this.db, email);
  }

  getMember(orgId: string, id: string): Promise<MemberRecord | undefined> {
    return members.getMember(this.db, orgId, id);
  }

  listMembers(orgId: string): Promise<MemberRecord[]> {
    return members.listMembers(this.db, orgId);
  }

  countMembers(orgId: string): Promise<number> {
    return members.countMembers(this.db, orgId);
  }

  updateMemberRole(orgId: string, id: string, role: MemberRole): Promise<MemberRecord | undefined> {
    return members.updateMemberRole(this.db, orgId, id, role);
  }

  updateMemberPassword(orgId: string, id: string, passwordHash: string): Promise<boolean> {
    return members.updateMemberPassword(this.db, orgId, id, passwordHash);
  }

  deleteMember(orgId: string, id: string): Promise<MemberRecord | undefined> {
    return this.atomically((db) => members.deleteMember(db, orgId, id));
  }

  insertSession(session: SessionRecord): Promise<void> {
    return members.insertSession(this.db, session);
  }

  findSession(tokenHash: string): Promise<{ session: SessionRecord; member: MemberRecord } | undefined> {
    return members.findSession(this.db, tokenHash);
  }

  touchSession(id: string, lastSeenAtMs: number): Promise<void> {
    return members.touchSession(this.db, id, lastSeenAtMs);
  }

  deleteSession(id: string): Promise<boolean> {
    return members.deleteSession(this.db, id);
  }

  deleteMemberSessions(orgId: string, memberId: string, exceptSessionId?: string): Promise<number> {
    return members.deleteMemberSessions(this.db, orgId, memberId, exceptSessionId);
  }

  purgeSessions(nowMs: number, idleBeforeMs: number): Promise<number> {
    return members.purgeSessions(this.db, nowMs, idleBeforeMs);
  }

  insertSetupToken(token: SetupTokenRecord): Promise<void> {
    return members.insertSetupToken(this.db, token);
  }

  consumeSetupToken(tokenHash: string, nowMs: number): Promise<string | undefined> {
    return members.consumeSetupToken(this.db, tokenHash, nowMs);
  }

  deleteSetupTokens(orgId: string): Promise<void> {
    return members.deleteSetupTokens(this.db, orgId);
  }

  async close(): Promise<void> {
    if (!this.inTransaction) await this.db.destroy();
  }
}
