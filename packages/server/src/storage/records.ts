import type { KeyTag, Restrictions } from "@portcullis/core";

/** Org-wide settings; later issues add fields beside these. */
export type OrgSettings = Record<string, unknown>;

export type OrgRecord = { id: string; name: string; settings: OrgSettings; createdAt: string };

export type KeyRecord = {
  id: string;
  orgId: string;
  tag: KeyTag;
  name: string | null;
  hash: string;
  displayPrefix: string;
  /** AES-256-GCM ciphertext of the value, bound to the key id. */
  encryptedValue: string;
  restrictions: Restrictions;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

/** A saved assistant: its Vapi-shaped config plus identity. */
export type AssistantRecord = {
  id: string;
  orgId: string;
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
};

export type CallRecord = {
  id: string;
  orgId: string;
  type: "webCall";
  status: "queued" | "in-progress" | "ended";
  assistantId: string | null;
  assistant: Record<string, unknown> | null;
  assistantOverrides: Record<string, unknown> | null;
  metadata: Record<string, unknown> | null;
  keyId: string;
  origin: string | null;
  createdAt: string;
  updatedAt: string;
};

/** A page of a list, newest first; pass `nextCursor` back to get the next page. */
export type Page<T> = { items: T[]; nextCursor: string | undefined };
export type PageQuery = { limit: number; cursor?: string | undefined };
