import type { KeyTag, Restrictions, RuleName, TraceStep } from "@portcullis/core";

/** What the REST API answers, as far as the CLI reads it. `--json` prints the answers unchanged. */
export type ApiKey = {
  id: string;
  orgId: string;
  tag: KeyTag;
  name: string | null;
  /** Public keys always; private keys only in the create answer. */
  value?: string;
  displayPrefix: string;
  restrictions: Restrictions;
  createdAt: string;
  updatedAt: string;
  lastUsedAt?: string | null;
};

export type Assistant = {
  id: string;
  orgId: string;
  createdAt: string;
  updatedAt: string;
  name?: string;
  firstMessage?: string;
  [field: string]: unknown;
};

export type Call = {
  id: string;
  orgId: string;
  type: string;
  status: string;
  assistantId?: string;
  assistant?: Record<string, unknown>;
  assistantOverrides?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  keyId: string;
  origin?: string | null;
  createdAt: string;
  updatedAt: string;
};

/** `POST /token/{id}/check`: a dry run of a web call. `rule` is "tag" when a private key was checked. */
export type CheckResult = {
  decision: "allow" | "deny";
  code?: string;
  rule?: RuleName | "tag";
  field?: string;
  trace: (Omit<TraceStep, "rule"> & { rule: string })[];
};
