import type { Generated } from "kysely";

/** Tables as Kysely sees them. Timestamps are ISO-8601 strings; JSON columns are text. */
export type Database = {
  orgs: OrgTable;
  api_keys: ApiKeyTable;
  assistants: AssistantTable;
  calls: CallTable;
};

export type OrgTable = {
  id: string;
  name: string;
  settings: string;
  created_at: string;
};

export type ApiKeyTable = {
  id: string;
  org_id: string;
  tag: "private" | "public";
  name: string | null;
  hash: string;
  display_prefix: string;
  encrypted_value: string;
  restrictions: string;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
};

export type AssistantTable = {
  seq: Generated<number>;
  id: string;
  org_id: string;
  config: string;
  created_at: string;
  updated_at: string;
};

export type CallTable = {
  seq: Generated<number>;
  id: string;
  org_id: string;
  type: string;
  status: string;
  assistant_id: string | null;
  assistant: string | null;
  assistant_overrides: string | null;
  metadata: string | null;
  key_id: string;
  origin: string | null;
  created_at: string;
  updated_at: string;
};
