import type { Restrictions } from "@portcullis/core";
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import type {
  ApiKeyTable,
  AssistantTable,
  AuditTable,
  CallTable,
  CredentialTable,
  Database,
  SigningKeyTable,
} from "./database.ts";
import * as members from "./kysely-members.ts";
import type {
  AssistantRecord,
  AuditEvent,
  AuditEventName,
  AuditQuery,
  CallMessage,
  CallRecord,
  CredentialRecord,
  DecisionCount,
  EndedReason,
  KeyRecord,
  MemberRecord,
  OrgRecord,
  OrgSettings,
  Page,
  PageQuery,
  Reservation,
  SessionRecord,
  SetupTokenRecord,
  SigningKeyRecord,
} from "./records.ts";
import type { CallEnd, JoinClaim, Store } from "./store.ts";

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function toKey(row: Selectable<ApiKeyTable>): KeyRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    tag: row.tag,
    name: row.name,
    hash: row.hash,
    displayPrefix: row.display_prefix,
    encryptedValue: row.encrypted_value,
    restrictions: JSON.parse(row.restrictions) as Restrictions,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    previousHash: row.previous_hash,
    previousEncryptedValue: row.previous_encrypted_value,
    previousExpiresAt: row.previous_expires_at,
  };
}

function fromKey(key: KeyRecord): ApiKeyTable {
  return {
    id: key.id,
    org_id: key.orgId,
    tag: key.tag,
    name: key.name,
    hash: key.hash,
    display_prefix: key.displayPrefix,
    encrypted_value: key.encryptedValue,
    restrictions: JSON.stringify(key.restrictions),
    created_at: key.createdAt,
    updated_at: key.updatedAt,
    last_used_at: key.lastUsedAt,
    revoked_at: key.revokedAt,
    previous_hash: key.previousHash,
    previous_encrypted_value: key.previousEncryptedValue,
    previous_expires_at: key.previousExpiresAt,
  };
}

function toSigningKey(row: Selectable<SigningKeyTable>): SigningKeyRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: row.kind,
    kid: row.kid,
    alg: row.alg,
    jwk: parseJson(row.jwk),
    jwksUrl: row.jwks_url,
    name: row.name,
    createdAt: row.created_at,
  };
}

function toOrg(row: { id: string; name: string; settings: string; created_at: string }): OrgRecord {
  return { id: row.id, name: row.name, settings: JSON.parse(row.settings) as OrgSettings, createdAt: row.created_at };
}

function toAssistant(row: Selectable<AssistantTable>): AssistantRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    config: JSON.parse(row.config) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toCall(row: Selectable<CallTable>): CallRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    type: row.type as CallRecord["type"],
    status: row.status as CallRecord["status"],
    assistantId: row.assistant_id,
    assistant: parseJson(row.assistant),
    assistantOverrides: parseJson(row.assistant_overrides),
    metadata: parseJson(row.metadata),
    keyId: row.key_id,
    origin: row.origin,
    userId: row.user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    config: parseJson(row.config),
    originRules: parseJson(row.origin_rules),
    maxDurationSeconds: row.max_duration_seconds ?? 600,
    durationLimitedBy: row.duration_limited_by === "spend-limit" ? "spend-limit" : null,
    reservations: parseJson<Reservation[]>(row.reservations) ?? [],
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationSeconds: row.duration_seconds,
    endedReason: row.ended_reason as EndedReason | null,
    messages: parseJson<CallMessage[]>(row.messages) ?? [],
  };
}

function toAudit(row: Selectable<AuditTable>): AuditEvent {
  return {
    id: row.id,
    orgId: row.org_id,
    at: row.at,
    event: row.event as AuditEventName,
    actorKeyId: row.actor_key_id,
    keyId: row.key_id,
    targetId: row.target_id,
    reason: row.reason,
    origin: row.origin,
    ip: row.ip,
    userId: row.user_id,
    assistantId: row.assistant_id,
    callId: row.call_id,
    details: parseJson(row.details),
  };
}

function toCredential(row: Selectable<CredentialTable>): CredentialRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    provider: row.provider as CredentialRecord["provider"],
    name: row.name,
    encryptedApiKey: row.encrypted_api_key,
    createdAt: row.created_at,
  };
}

/** Cursors are opaque to clients: base64url of the last row's sequence number. */
function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString("base64url");
}

/** The sequence number in a cursor, or `undefined` for no cursor. Bad cursors are refused earlier. */
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  return /^s\d{1,15}$/.test(text) ? Number(text.slice(1)) : undefined;
}

/** The {@link Store} on Kysely: one query path for SQLite now and PostgreSQL later. */
export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly inTransaction = false,
  ) {}

  async transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.db.transaction().execute((trx: Transaction<Database>) => fn(new KyselyStore(trx, true)));
  }

  async reserveCounter(scope: string, amount: number, cap: number): Promise<boolean> {
    if (amount > cap) return false;
    // One guarded statement (insert-or-add, only while the sum stays within the cap): SQLite
    // serializes writers, so concurrent reservations from any process cannot overshoot.
    const row = await sql<{ used: number }>`
      insert into limit_counters (scope, used) values (${scope}, ${amount})
      on conflict (scope) do update set used = used + ${amount} where used + ${amount} <= ${cap}
      returning used`.execute(this.db);
    return row.rows.length === 1;
  }

  async readCounter(scope: string): Promise<number> {
    const row = await this.db.selectFrom("limit_counters").select("used").where("scope", "=", scope).executeTakeFirst();
    return row?.used ?? 0;
  }

  async releaseCounter(scope: string, amount: number): Promise<void> {
    if (amount <= 0) return;
    await sql`update limit_counters set used = max(0, used - ${amount}) where scope = ${scope}`.execute(this.db);
  }

  async resetCounters(prefix: string): Promise<void> {
    await this.db.updateTable("limit_counters").set({ used: 0 }).where("scope", "like", `${prefix}%`).execute();
  }

  async setCounter(scope: string, used: number): Promise<void> {
    await sql`insert into limit_counters (scope, used) values (${scope}, ${used})
      on conflict (scope) do update set used = ${used}`.execute(this.db);
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    await this.db
      .insertInto("audit_events")
      .values({
        id: event.id,
        org_id: event.orgId,
        at: event.at,
        event: event.event,
        actor_key_id: event.actorKeyId,
        key_id: event.keyId,
        target_id: event.targetId,
        reason: event.reason,
        origin: event.origin,
        ip: event.ip,
        user_id: event.userId,
        assistant_id: event.assistantId,
        call_id: event.callId,
        details: json(event.details),
      })
      .execute();
  }

  async listAudit(orgId: string, query: AuditQuery): Promise<Page<AuditEvent>> {
    const before = decodeCursor(query.cursor);
    let q = this.db.selectFrom("audit_events").selectAll().where("org_id", "=", orgId);
    if (before !== undefined) q = q.where("seq", "<", before);
    if (query.event) q = q.where("event", "=", query.event);
    if (query.keyId) q = q.where("key_id", "=", query.keyId);
    if (query.reason) q = q.where("reason", "=", query.reason);
    if (query.from) q = q.where("at", ">=", query.from);
    if (query.to) q = q.where("at", "<", query.to);
    const rows = await q
      .orderBy("seq", "desc")
      .limit(query.limit + 1)
      .execute();
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toAudit),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.seq) : undefined,
    };
  }

  async addDecisionCounts(counts: DecisionCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.transaction(async (tx) => {
      const db = (tx as KyselyStore).db;
      for (const c of counts)
        await sql`insert into decision_buckets (org_id, key_id, bucket, outcome, reason, origin, count)
          values (${c.orgId}, ${c.keyId}, ${c.bucket}, ${c.outcome}, ${c.reason}, ${c.origin}, ${c.count})
          on conflict (org_id, key_id, bucket, outcome, reason, origin) do update set count = count + ${c.count}`.execute(
          db,
        );
    });
  }

  async decisionCounts(orgId: string, keyId: string, since: string): Promise<DecisionCount[]> {
    const rows = await this.db
      .selectFrom("decision_buckets")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("key_id", "=", keyId)
      .where("bucket", ">=", since)
      .orderBy("bucket")
      .execute();
    return rows.map((r) => ({
      orgId: r.org_id,
      keyId: r.key_id,
      bucket: r.bucket,
      outcome: r.outcome,
      reason: r.reason,
      origin: r.origin,
      count: r.count,
    }));
  }

  async listOpenCalls(): Promise<CallRecord[]> {
    const rows = await this.db.selectFrom("calls").selectAll().where("status", "!=", "ended").execute();
    return rows.map(toCall);
  }

  async createOrg(org: OrgRecord, firstKey: KeyRecord): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("orgs")
        .values({ id: org.id, name: org.name, settings: JSON.stringify(org.settings), created_at: org.createdAt })
        .execute();
      await trx.insertInto("api_keys").values(fromKey(firstKey)).execute();
    });
  }

  async getOrg(id: string): Promise<OrgRecord | undefined> {
    const row = await this.db.selectFrom("orgs").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toOrg(row);
  }

  async listOrgs(): Promise<OrgRecord[]> {
    return (await this.db.selectFrom("orgs").selectAll().orderBy("created_at").execute()).map(toOrg);
  }

  async updateOrgSettings(id: string, settings: OrgSettings): Promise<OrgRecord | undefined> {
    const row = await this.db
      .updateTable("orgs")
      .set({ settings: JSON.stringify(settings) })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    return row && toOrg(row);
  }

  async countOrgs(): Promise<number> {
    const row = await this.db
      .selectFrom("orgs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertKey(key: KeyRecord): Promise<void> {
    await this.db.insertInto("api_keys").values(fromKey(key)).execute();
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    const row =
      (await this.db.selectFrom("api_keys").selectAll().where("hash", "=", hash).executeTakeFirst()) ??
      (await this.db.selectFrom("api_keys").selectAll().where("previous_hash", "=", hash).executeTakeFirst());
    return row && toKey(row);
  }

  async listPrivateKeys(orgId: string): Promise<KeyRecord[]> {
    const rows = await this.db
      .selectFrom("api_keys")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("tag", "=", "private")
      .where("revoked_at", "is", null)
      .orderBy("created_at", "desc")
      .execute();
    return rows.map(toKey);
  }

  async rotateKey(
    orgId: string,
    id: string,
    next: Pick<KeyRecord, "hash" | "displayPrefix" | "encryptedValue" | "previousExpiresAt" | "updatedAt">,
  ): Promise<KeyRecord | undefined> {
    // Through `transaction`, so it also runs inside a caller's transaction (an audited rotate):
    // Kysely cannot open a transaction on a transaction.
    return this.transaction(async (tx) => {
      const trx = (tx as KyselyStore).db;
      const current = await trx
        .selectFrom("api_keys")
        .selectAll()
        .where("org_id", "=", orgId)
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      if (!current) return undefined;
      const row = await trx
        .updateTable("api_keys")
        .set({
          hash: next.hash,
          display_prefix: next.displayPrefix,
          encrypted_value: next.encryptedValue,
          previous_hash: current.hash,
          previous_encrypted_value: current.encrypted_value,
          previous_expires_at: next.previousExpiresAt,
          updated_at: next.updatedAt,
        })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toKey(row);
    });
  }

  async getKey(orgId: string, id: string): Promise<KeyRecord | undefined> {
    const row = await this.db
      .selectFrom("api_keys")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return row && toKey(row);
  }

  async listKeys(orgId: string): Promise<KeyRecord[]> {
    const rows = await this.db
      .selectFrom("api_keys")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("revoked_at", "is", null)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute();
    return rows.map(toKey);
  }

  async updateKey(
    orgId: string,
    id: string,
    patch: Pick<KeyRecord, "name" | "restrictions" | "updatedAt">,
  ): Promise<KeyRecord | undefined> {
    const row = await this.db
      .updateTable("api_keys")
      .set({ name: patch.name, restrictions: JSON.stringify(patch.restrictions), updated_at: patch.updatedAt })
      .where("org_id", "=", orgId)
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .returningAll()
      .executeTakeFirst();
    return row && toKey(row);
  }

  async revokeKey(orgId: string, id: string, at: string): Promise<KeyRecord | undefined> {
    const row = await this.db
      .updateTable("api_keys")
      .set({ revoked_at: at, updated_at: at })
      .where("org_id", "=", orgId)
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .returningAll()
      .executeTakeFirst();
    return row && toKey(row);
  }

  async touchKeys(lastUsed: ReadonlyMap<string, string>): Promise<void> {
    if (lastUsed.size === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const [id, at] of lastUsed) {
        await trx.updateTable("api_keys").set({ last_used_at: at }).where("id", "=", id).execute();
      }
    });
  }

  async insertAssistant(assistant: AssistantRecord): Promise<void> {
    await this.db
      .insertInto("assistants")
      .values({
        id: assistant.id,
        org_id: assistant.orgId,
        config: JSON.stringify(assistant.config),
        created_at: assistant.createdAt,
        updated_at: assistant.updatedAt,
      })
      .execute();
  }

  async getAssistant(orgId: string, id: string): Promise<AssistantRecord | undefined> {
    const row = await this.db
      .selectFrom("assistants")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("id", "=", id)
      .executeTakeFirst();
    return row && toAssistant(row);
  }

  async assistantExists(orgId: string, id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("assistants")
      .select("id")
      .where("org_id", "=", orgId)
      .where("id", "=", id)
      .executeTakeFirst();
    return row !== undefined;
  }

  async listAssistants(orgId: string, page: PageQuery): Promise<Page<AssistantRecord>> {
    const before = decodeCursor(page.cursor);
    let query = this.db.selectFrom("assistants").selectAll().where("org_id", "=", orgId);
    if (before !== undefined) query = query.where("seq", "<", before);
    const rows = await query
      .orderBy("seq", "desc")
      .limit(page.limit + 1)
      .execute();
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map(toAssistant),
      nextCursor: rows.length > page.limit && last ? encodeCursor(last.seq) : undefined,
    };
  }

  async updateAssistant(
    orgId: string,
    id: string,
    config: Record<string, unknown>,
    at: string,
  ): Promise<AssistantRecord | undefined> {
    const row = await this.db
      .updateTable("assistants")
      .set({ config: JSON.stringify(config), updated_at: at })
      .where("org_id", "=", orgId)
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    return row && toAssistant(row);
  }

  async deleteAssistant(orgId: string, id: string): Promise<AssistantRecord | undefined> {
    const row = await this.db
      .deleteFrom("assistants")
      .where("org_id", "=", orgId)
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    return row && toAssistant(row);
  }

  async insertCall(call: CallRecord, join: { tokenHash: string; expiresAtMs: number }): Promise<void> {
    await this.db
      .insertInto("calls")
      .values({
        id: call.id,
        org_id: call.orgId,
        type: call.type,
        status: call.status,
        assistant_id: call.assistantId,
        assistant: json(call.assistant),
        assistant_overrides: json(call.assistantOverrides),
        metadata: json(call.metadata),
        key_id: call.keyId,
        origin: call.origin,
        user_id: call.userId,
        created_at: call.createdAt,
        updated_at: call.updatedAt,
        config: json(call.config),
        origin_rules: json(call.originRules),
        max_duration_seconds: call.maxDurationSeconds,
        duration_limited_by: call.durationLimitedBy,
        reservations: json(call.reservations),
        messages: json(call.messages),
        join_token_hash: join.tokenHash,
        join_expires_at: join.expiresAtMs,
      })
      .execute();
  }

  async claimCallJoin(id: string, tokenHash: string, nowMs: number, startedAt: string): Promise<JoinClaim> {
    const row = await this.db
      .updateTable("calls")
      .set({ status: "in-progress", started_at: startedAt, updated_at: startedAt, join_token_hash: null })
      .where("id", "=", id)
      .where("status", "=", "queued")
      .where("join_token_hash", "=", tokenHash)
      .where("join_expires_at", ">", nowMs)
      .returningAll()
      .executeTakeFirst();
    if (row) return { ok: true, call: toCall(row) };
    const late = await this.db
      .selectFrom("calls")
      .select("id")
      .where("id", "=", id)
      .where("join_token_hash", "=", tokenHash)
      .executeTakeFirst();
    return { ok: false, reason: late ? "expired" : "invalid" };
  }

  async finishCall(id: string, end: CallEnd): Promise<CallRecord | undefined> {
    const row = await this.db
      .updateTable("calls")
      .set({
        status: "ended",
        ended_at: end.endedAt,
        updated_at: end.endedAt,
        ended_reason: end.endedReason,
        duration_seconds: end.durationSeconds,
        // A timed-out call keeps its token's hash so a late join is told CALL_TOKEN_EXPIRED, not
        // INVALID; it can never match again, since only a queued call can be joined.
        ...(end.endedReason !== "join-timeout" && { join_token_hash: null }),
        ...(end.messages && { messages: JSON.stringify(end.messages) }),
      })
      .where("id", "=", id)
      .where("status", "!=", "ended")
      .returningAll()
      .executeTakeFirst();
    return row && toCall(row);
  }

  async listQueuedCalls(): Promise<(CallRecord & { joinExpiresAtMs: number })[]> {
    const rows = await this.db.selectFrom("calls").selectAll().where("status", "=", "queued").execute();
    return rows.map((row) => ({ ...toCall(row), joinExpiresAtMs: row.join_expires_at ?? 0 }));
  }

  async endInProgressCalls(end: Omit<CallEnd, "durationSeconds">): Promise<CallRecord[]> {
    const rows = await this.db
      .updateTable("calls")
      .set({ status: "ended", ended_at: end.endedAt, updated_at: end.endedAt, ended_reason: end.endedReason })
      .where("status", "=", "in-progress")
      .returningAll()
      .execute();
    return rows.map(toCall);
  }

  async insertCredential(credential: CredentialRecord): Promise<void> {
    await this.db
      .insertInto("credentials")
      .values({
        id: credential.id,
        org_id: credential.orgId,
        provider: credential.provider,
        name: credential.name,
        encrypted_api_key: credential.encryptedApiKey,
        created_at: credential.createdAt,
      })
      .execute();
  }

  async listCredentials(orgId: string): Promise<CredentialRecord[]> {
    const rows = await this.db
      .selectFrom("credentials")
      .selectAll()
      .where("org_id", "=", orgId)
      .orderBy("created_at", "desc")
      .execute();
    return rows.map(toCredential);
  }

  async deleteCredential(orgId: string, id: string): Promise<CredentialRecord | undefined> {
    const row = await this.db
      .deleteFrom("credentials")
      .where("org_id", "=", orgId)
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    return row && toCredential(row);
  }

  async getCall(orgId: string, id: string): Promise<CallRecord | undefined> {
    const row = await this.db
      .selectFrom("calls")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("id", "=", id)
      .executeTakeFirst();
    return row && toCall(row);
  }

  async findCall(id: string): Promise<CallRecord | undefined> {
    const row = await this.db.selectFrom("calls").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toCall(row);
  }

  async listCalls(orgId: string, page: PageQuery & { assistantId?: string | undefined }): Promise<Page<CallRecord>> {
    const before = decodeCursor(page.cursor);
    let query = this.db.selectFrom("calls").selectAll().where("org_id", "=", orgId);
    if (before !== undefined) query = query.where("seq", "<", before);
    if (page.assistantId !== undefined) query = query.where("assistant_id", "=", page.assistantId);
    const rows = await query
      .orderBy("seq", "desc")
      .limit(page.limit + 1)
      .execute();
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map(toCall),
      nextCursor: rows.length > page.limit && last ? encodeCursor(last.seq) : undefined,
    };
  }

  async insertSigningKey(key: SigningKeyRecord): Promise<void> {
    await this.db
      .insertInto("signing_keys")
      .values({
        id: key.id,
        org_id: key.orgId,
        kind: key.kind,
        kid: key.kid,
        alg: key.alg,
        jwk: json(key.jwk),
        jwks_url: key.jwksUrl,
        name: key.name,
        created_at: key.createdAt,
      })
      .execute();
  }

  async listSigningKeys(orgId: string): Promise<SigningKeyRecord[]> {
    const rows = await this.db
      .selectFrom("signing_keys")
      .selectAll()
      .where("org_id", "=", orgId)
      .orderBy("created_at", "desc")
      .execute();
    return rows.map(toSigningKey);
  }

  async getSigningKey(orgId: string, id: string): Promise<SigningKeyRecord | undefined> {
    const row = await this.db
      .selectFrom("signing_keys")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("id", "=", id)
      .executeTakeFirst();
    return row && toSigningKey(row);
  }

  async deleteSigningKey(orgId: string, id: string): Promise<SigningKeyRecord | undefined> {
    const row = await this.db
      .deleteFrom("signing_keys")
      .where("org_id", "=", orgId)
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    return row && toSigningKey(row);
  }

  async consumeTokenId(orgId: string, jti: string, expiresAtMs: number): Promise<boolean> {
    // One guarded statement: the primary key refuses the second insert, whichever process sends it.
    const result = await this.db
      .insertInto("used_tokens")
      .values({ org_id: orgId, jti, expires_at: expiresAtMs })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async purgeUsedTokens(nowMs: number): Promise<number> {
    const result = await this.db.deleteFrom("used_tokens").where("expires_at", "<", nowMs).executeTakeFirst();
    return Number(result.numDeletedRows);
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

  deleteMember(orgId: string, id: string): Promise<MemberRecord | undefined> {
    return this.transaction((tx) => members.deleteMember((tx as KyselyStore).db, orgId, id));
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

  deleteMemberSessions(orgId: string, memberId: string): Promise<number> {
    return members.deleteMemberSessions(this.db, orgId, memberId);
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
