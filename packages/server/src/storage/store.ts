import type { AssistantRecord, CallRecord, KeyRecord, OrgRecord, Page, PageQuery } from "./records.ts";

/**
 * Everything the server keeps, behind one async interface so another adapter (PostgreSQL) can
 * stand in. Every read and write of an org's resource is scoped by `orgId`.
 */
export type Store = {
  createOrg(org: OrgRecord, firstKey: KeyRecord): Promise<void>;
  getOrg(id: string): Promise<OrgRecord | undefined>;
  countOrgs(): Promise<number>;

  insertKey(key: KeyRecord): Promise<void>;
  /** A key by the SHA-256 of its value, revoked or not (the caller tells them apart). */
  findKeyByHash(hash: string): Promise<KeyRecord | undefined>;
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

  insertCall(call: CallRecord): Promise<void>;
  getCall(orgId: string, id: string): Promise<CallRecord | undefined>;
  listCalls(orgId: string, page: PageQuery & { assistantId?: string | undefined }): Promise<Page<CallRecord>>;

  close(): Promise<void>;
};
