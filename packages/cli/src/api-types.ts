import type { Restrictions } from "@portcullis/core";
import type { AuditEvent, ApiKey as SdkApiKey, CheckResult as SdkCheckResult, TokenStats } from "@portcullis/node";

// What the REST API answers, as far as the CLI reads it: the types @portcullis/node generates from
// the server's /openapi.json, narrowed only where the schema says less than the server sends.
// `--json` prints the answers unchanged.
export type { Assistant, Call, Credential, Org, SigningKey } from "@portcullis/node";

/**
 * Every field present, at every depth. The stats and audit schemas mark no field required, but the
 * server always sends each one (serialized from a complete record; absent values are null).
 */
type Complete<T> = T extends readonly (infer Item)[]
  ? Complete<Item>[]
  : T extends object
    ? { [K in keyof T]-?: Complete<T[K]> }
    : T;

/** The schema leaves `restrictions` open; the server always answers them normalized, every field set. */
export type ApiKey = Omit<SdkApiKey, "restrictions"> & { restrictions: Restrictions };

/** `POST /token/{id}/check`: a dry run of a web call; every trace step names its rule, outcome and detail. */
export type CheckResult = Omit<SdkCheckResult, "trace"> & { trace: Complete<SdkCheckResult["trace"]> };

/** `GET /token/{id}/stats`. */
export type KeyStats = Complete<TokenStats>;
export type Tally = KeyStats["totals"];

/** One row of `GET /audit`. */
export type AuditEntry = Complete<AuditEvent>;
