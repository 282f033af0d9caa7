import type { Restrictions } from "@portcullis/core";
import type { ApiKey as SdkApiKey, TokenStats } from "@portcullis/node";

// What the REST API answers, as far as the CLI reads it: the types @portcullis/node generates from
// the server's /openapi.json, narrowed only where the schema says less than the server sends.
// `--json` prints the answers unchanged.
export type {
  Assistant,
  /** One row of `GET /audit`. */
  AuditEvent as AuditEntry,
  Call,
  /** `POST /token/{id}/check`: a dry run of a web call; every trace step names its rule, outcome and detail. */
  CheckResult,
  Credential,
  Org,
  SigningKey,
  /** `GET /token/{id}/stats`. */
  TokenStats as KeyStats,
} from "@portcullis/node";

/** The schema leaves `restrictions` open; the server always answers them normalized, every field set. */
export type ApiKey = Omit<SdkApiKey, "restrictions"> & { restrictions: Restrictions };

export type Tally = TokenStats["totals"];
