import type {
  AssistantRecord,
  AuditEvent,
  AuditQuery,
  CallMessage,
  CallRecord,
  CredentialRecord,
  DecisionCount,
  EndedReason,
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

/** How a call ends, as written once on its row. */
export type CallEnd = {
  endedAt: string;
  endedReason: EndedReason;
  durationSeconds: number | null;
  messages?: CallMessage[];
};

/** A server process using the database, as its heartbeat row records it. */
export type InstanceRecord = {
  id: string;
  /** The machine and process namespace it runs in (see calls/instance-lease.ts). */
  host: string;
  pid: number;
  startedAt: string;
  /** Its last heartbeat (epoch ms). */
  lastSeenMs: number;
};

export type JoinClaim = { ok: true; call: CallRecord } | { ok: false; reason: "invalid" | "expired" };

/**
 * Everything the server keeps, behind one async interface so another adapter (PostgreSQL) can
 * stand in. Every read and write of an org's resource is scoped by `orgId`.
 */
export type Store = {
  createOrg(org: OrgRecord, firstKey: KeyRecord): Promise<void>;
  getOrg(id: string): Promise<OrgRecord | undefined>;
  countOrgs(): Promise<number>;
  listOrgs(): Promise<OrgRecord[]>;
  updateOrgSettings(id: string, settings: OrgSettings): Promise<OrgRecord | undefined>;

  insertKey(key: KeyRecord): Promise<void>;
  /**
   * A key by the SHA-256 of its value — its current value or, during a rotation's grace period,
   * its previous one — revoked or not (the caller tells these apart).
   */
  findKeyByHash(hash: string): Promise<KeyRecord | undefined>;
  /** The org's private keys that are not revoked: the HS256 secrets a token without `kid` may use. */
  listPrivateKeys(orgId: string): Promise<KeyRecord[]>;
  /** Replaces a key's value; the old one stays valid until `previousExpiresAt`. */
  rotateKey(
    orgId: string,
    id: string,
    next: Pick<KeyRecord, "hash" | "displayPrefix" | "encryptedValue" | "previousExpiresAt" | "updatedAt">,
  ): Promise<KeyRecord | undefined>;
  /** A key of `orgId` that is not revoked. */
  getKey(orgId: string, id: string): Promise<KeyRecord | undefined>;
  listKeys(orgId: string): Promise<KeyRecord[]>;
  updateKey(
    orgId: string,
    id: string,
    patch: Pick<KeyRecord, "name" | "restrictions" | "updatedAt">,
  ): Promise<KeyRecord | undefined>;
  revokeKey(orgId: string, id: string, at: string): Promise<KeyRecord | undefined>;
  touchKeys(lastUsed: ReadonlyMap<string, string>): Promise<void>;

  insertAssistant(assistant: AssistantRecord): Promise<void>;
  getAssistant(orgId: string, id: string): Promise<AssistantRecord | undefined>;
  assistantExists(orgId: string, id: string): Promise<boolean>;
  listAssistants(orgId: string, page: PageQuery): Promise<Page<AssistantRecord>>;
  updateAssistant(
    orgId: string,
    id: string,
    config: Record<string, unknown>,
    at: string,
  ): Promise<AssistantRecord | undefined>;
  deleteAssistant(orgId: string, id: string): Promise<AssistantRecord | undefined>;

  /** Stores a queued call with the hash of its one-time join token. */
  insertCall(call: CallRecord, join: { tokenHash: string; expiresAtMs: number }): Promise<void>;
  /**
   * Spends a call's join token, atomically: the first claim with the right token before expiry moves
   * the call to in-progress; any other claim (wrong, reused, late) fails.
   */
  claimCallJoin(id: string, tokenHash: string, nowMs: number, startedAt: string): Promise<JoinClaim>;
  /**
   * Ends a call that has not ended yet — only while its status is `from`, when given; undefined
   * when it already had (or had another status).
   */
  finishCall(id: string, end: CallEnd, from?: "queued" | "in-progress"): Promise<CallRecord | undefined>;
  /** Every call that is not ended, for rebuilding concurrency counters at start-up. */
  listOpenCalls(): Promise<CallRecord[]>;
  /** Sets every counter whose scope starts with `prefix` to zero (start-up reconciliation only). */
  resetCounters(prefix: string): Promise<void>;
  /** Sets a counter to an absolute value (start-up reconciliation only). */
  setCounter(scope: string, used: number): Promise<void>;
  /** Calls that are queued (not joined yet), for join timers after a restart. */
  listQueuedCalls(): Promise<(CallRecord & { joinExpiresAtMs: number })[]>;
  /** Records the instance that runs a call in progress: false when the call is not in progress. */
  setCallOwner(id: string, instanceId: string): Promise<boolean>;
  /** Every call in progress, in any org, with the instance that runs it (null until one said so). */
  listInProgressCalls(): Promise<{ call: CallRecord; instanceId: string | null }[]>;

  /** Records a server process as live: inserts its row, or renews its heartbeat when it exists. */
  registerInstance(instance: InstanceRecord): Promise<void>;
  /** Renews an instance's heartbeat: false when its row is gone (another process judged it dead). */
  touchInstance(id: string, nowMs: number): Promise<boolean>;
  listInstances(): Promise<InstanceRecord[]>;
  removeInstances(ids: readonly string[]): Promise<void>;
  getCall(orgId: string, id: string): Promise<CallRecord | undefined>;
  /** A call by ID in any org: only for joining, where the call token is the credential. */
  findCall(id: string): Promise<CallRecord | undefined>;
  /** An org's calls, newest first; `assistantId` and `keyId` narrow them (both must match). */
  listCalls(
    orgId: string,
    page: PageQuery & { assistantId?: string | undefined; keyId?: string | undefined },
  ): Promise<Page<CallRecord>>;

  insertCredential(credential: CredentialRecord): Promise<void>;
  listCredentials(orgId: string): Promise<CredentialRecord[]>;
  deleteCredential(orgId: string, id: string): Promise<CredentialRecord | undefined>;

  insertSigningKey(key: SigningKeyRecord): Promise<void>;
  listSigningKeys(orgId: string): Promise<SigningKeyRecord[]>;
  getSigningKey(orgId: string, id: string): Promise<SigningKeyRecord | undefined>;
  deleteSigningKey(orgId: string, id: string): Promise<SigningKeyRecord | undefined>;

  /**
   * Marks a single-use token's `jti` as used, atomically: true the first time, false on every
   * replay, across processes sharing the database.
   */
  consumeTokenId(orgId: string, jti: string, expiresAtMs: number): Promise<boolean>;
  purgeUsedTokens(nowMs: number): Promise<number>;

  /**
   * Adds `amount` to a counter only if the result stays within `cap`, in one guarded statement:
   * true when it did. Two processes racing on the same counter cannot both pass the cap.
   */
  reserveCounter(scope: string, amount: number, cap: number): Promise<boolean>;
  /** The counter's current value (0 when it was never used). */
  readCounter(scope: string): Promise<number>;
  /** Gives back part of a reservation (never below zero). */
  releaseCounter(scope: string, amount: number): Promise<void>;

  appendAudit(event: AuditEvent): Promise<void>;
  listAudit(orgId: string, query: AuditQuery): Promise<Page<AuditEvent>>;
  /** Adds aggregated decision counts (upsert by bucket). */
  addDecisionCounts(counts: DecisionCount[]): Promise<void>;
  decisionCounts(orgId: string, keyId: string, since: string): Promise<DecisionCount[]>;

  /** Fails (unique email) when the email is taken, in this org or another. */
  insertMember(member: MemberRecord): Promise<void>;
  /** A member of any org by lower-cased email: only for signing in, where the password is the credential. */
  findMemberByEmail(email: string): Promise<MemberRecord | undefined>;
  getMember(orgId: string, id: string): Promise<MemberRecord | undefined>;
  listMembers(orgId: string): Promise<MemberRecord[]>;
  countMembers(orgId: string): Promise<number>;
  /**
   * Changes a member's role, in one guarded statement: an owner becomes an admin or viewer only
   * while the org has another owner. Undefined when there is no such member or that guard refused.
   */
  updateMemberRole(orgId: string, id: string, role: MemberRole): Promise<MemberRecord | undefined>;
  /** Replaces a member's password hash: whether the member existed. */
  updateMemberPassword(orgId: string, id: string, passwordHash: string): Promise<boolean>;
  /**
   * Removes a member and, with it, every session of theirs — but never the org's last owner (one
   * guarded statement, as in updateMemberRole). Undefined when there is no such member or the guard refused.
   */
  deleteMember(orgId: string, id: string): Promise<MemberRecord | undefined>;

  insertSession(session: SessionRecord): Promise<void>;
  /** A session by the SHA-256 of its cookie value, with its member. */
  findSession(tokenHash: string): Promise<{ session: SessionRecord; member: MemberRecord } | undefined>;
  touchSession(id: string, lastSeenAtMs: number): Promise<void>;
  deleteSession(id: string): Promise<boolean>;
  /** Ends every session of a member, but `exceptSessionId` when given: how many ended. */
  deleteMemberSessions(orgId: string, memberId: string, exceptSessionId?: string): Promise<number>;
  /** Drops sessions past their absolute end or idle since before `idleBeforeMs`. */
  purgeSessions(nowMs: number, idleBeforeMs: number): Promise<number>;

  insertSetupToken(token: SetupTokenRecord): Promise<void>;
  /**
   * Spends a setup token, atomically: the org it was for when it existed and had not expired;
   * undefined otherwise (and on every later try).
   */
  consumeSetupToken(tokenHash: string, nowMs: number): Promise<string | undefined>;
  /** Drops an org's other setup tokens once its owner exists. */
  deleteSetupTokens(orgId: string): Promise<void>;

  /** Runs `fn` with a store whose every write commits or rolls back together. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;

  close(): Promise<void>;
};
