export type { AuditEvent, AuditEventName, AuditListOptions } from "./admin/audit.ts";
export type { CallListOptions } from "./admin/calls.ts";
export type { OrgSettings } from "./admin/org.ts";
export type { Page, PageOptions } from "./admin/page.ts";
export type {
  ApiKey,
  CheckInput,
  CheckResult,
  Restrictions,
  StatsWindow,
  UpdateTokenInput,
} from "./admin/tokens.ts";
export type { PortcullisAdminOptions } from "./admin-client.ts";
export { PortcullisAdmin } from "./admin-client.ts";
export type { ClientErrorCode } from "./api-error.ts";
export { PortcullisApiError } from "./api-error.ts";
export type { ClientTokenRestrictions, HmacTokenOptions, Jwk, SigningKeyTokenOptions } from "./create-client-token.ts";
export { createClientToken } from "./create-client-token.ts";
export type {
  ApiErrorBody,
  Assistant,
  AssistantInput,
  Call,
  Credential,
  CredentialInput,
  Operations,
  Org,
  SigningKey,
  SigningKeyInput,
  TokenInput,
  TokenStats,
} from "./generated/api-types.ts";
