export type { AppOptions } from "./app.ts";
export { createApp, VERSION } from "./app.ts";
// The decision path, exported so bench/ can measure it in-process without HTTP.
export type { Authenticate, AuthResult, Principal } from "./auth/authenticate.ts";
export { createAuthenticator } from "./auth/authenticate.ts";
export { DEFAULT_JWKS_OPTIONS, JwksFetcher } from "./auth/jwt/jwks-fetcher.ts";
export { TokenVerifier } from "./auth/jwt/token-verifier.ts";
export { KeyCache } from "./auth/key-cache.ts";
export type { Config } from "./config/config.ts";
export { ConfigError, loadConfig, SETTINGS } from "./config/config.ts";
export { AssistantCache } from "./domain/assistant-cache.ts";
export type { Clock } from "./domain/clock.ts";
export { systemClock } from "./domain/clock.ts";
export type { RoleChange, RoleChanger } from "./domain/member-role.ts";
export { changeMemberRole } from "./domain/member-role.ts";
export { createSetupLink } from "./domain/members.ts";
export { createOrgWithKey } from "./domain/orgs.ts";
export { decideWebCall, describeWebCall } from "./domain/web-call.ts";
export { openDataDir } from "./open-data-dir.ts";
export type { Cipher } from "./secrets/cipher.ts";
export { createCipher } from "./secrets/cipher.ts";
export { loadMasterKey } from "./secrets/master-key.ts";
// The server's start, as `npm start` (main.ts) and `portcullis serve` run it.
export type { RunningServer, StartServerOptions } from "./start-server.ts";
export { exitOnSignals, startServer } from "./start-server.ts";
export { KyselyStore } from "./storage/kysely-store.ts";
export { openSqlite, sqlitePath } from "./storage/sqlite/open-sqlite.ts";
export type { Store } from "./storage/store.ts";
export { UsageBuffer } from "./storage/usage-buffer.ts";
