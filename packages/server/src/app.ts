import { randomBytes } from "node:crypto";
import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import websocket from "@fastify/websocket";
import type SqliteDatabase from "better-sqlite3";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { RefusalWatch } from "./alerts/thresholds.ts";
import { DEFAULT_WEBHOOK_OPTIONS, type WebhookOptions, Webhooks, webhookSecret } from "./alerts/webhooks.ts";
import { DecisionRecorder } from "./audit/decision-recorder.ts";
import { createAuthenticator } from "./auth/authenticate.ts";
import { DEFAULT_JWKS_OPTIONS, JwksFetcher, type JwksFetchOptions } from "./auth/jwt/jwks-fetcher.ts";
import { TokenVerifier } from "./auth/jwt/token-verifier.ts";
import { KeyCache } from "./auth/key-cache.ts";
import { LoginLimits } from "./auth/session/login-limits.ts";
import { Sessions } from "./auth/session/sessions.ts";
import { CallRuntime } from "./calls/call-runtime.ts";
import type { Scheduler } from "./calls/call-session.ts";
import type { Config } from "./config/config.ts";
import { AssistantCache } from "./domain/assistant-cache.ts";
import { createChallenges } from "./domain/challenges.ts";
import { type Clock, systemClock } from "./domain/clock.ts";
import { OrgSettingsCache } from "./domain/org-cache.ts";
import { createAuthHooks } from "./http/auth-hooks.ts";
import { installErrorHandling } from "./http/errors.ts";
import { RateLimits } from "./limits/rate-limits.ts";
import { assistantRoutes } from "./routes/assistant/index.ts";
import { auditRoutes } from "./routes/audit/index.ts";
import { callRoutes } from "./routes/call/index.ts";
import { challengeRoutes } from "./routes/challenge/index.ts";
import { credentialRoutes } from "./routes/credential/index.ts";
import { DEFAULT_DASHBOARD_DIR, dashboardRoutes } from "./routes/dashboard/index.ts";
import type { RouteDeps } from "./routes/deps.ts";
import { memberRoutes } from "./routes/member/index.ts";
import { orgRoutes } from "./routes/org/index.ts";
import { sessionRoutes } from "./routes/session/index.ts";
import { signingKeyRoutes } from "./routes/signing-key/index.ts";
import { systemRoutes } from "./routes/system/index.ts";
import { tokenRoutes } from "./routes/token/index.ts";
import type { Cipher } from "./secrets/cipher.ts";
import type { Store } from "./storage/store.ts";
import { UsageBuffer } from "./storage/usage-buffer.ts";

export const VERSION = "0.1.0";

declare module "fastify" {
  interface FastifyInstance {
    calls: CallRuntime;
    decisions: DecisionRecorder;
  }
}
export const BODY_LIMIT = 1024 * 1024;

export type AppOptions = {
  store: Store;
  cipher: Cipher;
  config: Pick<Config, "publicUrl" | "keyCacheSize" | "keyCacheTtlSeconds">;
  clock?: Clock;
  /**
   * The raw SQLite handle, when rate-limit counters should be shared by every process using the
   * database; without it they are kept in this process's memory.
   */
  sqlite?: SqliteDatabase.Database;
  /** HMAC key for proof-of-work challenges; processes sharing a database must share it. Default: random. */
  challengeKey?: string;
  /** Derives each org's webhook signing secret; processes sharing a database must share it. Default: random. */
  webhookKey?: string;
  /** Webhook delivery limits; tests shorten them. */
  webhooks?: Partial<Omit<WebhookOptions, "secretKey">>;
  /** Fastify's trustProxy: whose X-Forwarded-For to believe for the client IP. Default: nobody's. */
  trustProxy?: boolean | string;
  /** How often refusal counts are written; tests flush by hand. */
  decisionFlushMs?: number;
  /** Live-call timing and outbound fetch; tests pass a faster scheduler and short timeouts. */
  calls?: { schedule?: Scheduler; providerTimeoutMs?: number; fetch?: typeof fetch };
  /** JWKS fetching limits; tests shorten them. */
  jwks?: Partial<JwksFetchOptions>;
  /** The built dashboard (packages/dashboard/dist by default); tests pass their own. */
  dashboardDir?: string;
  /** A pino logger config or `false`; tests pass `false`. */
  logger?: boolean | { level: string };
};

/**
 * Builds the HTTP app from its dependencies, with no side effects: nothing listens, nothing reads
 * the environment. `main.ts` does those; tests call this and `app.inject()`.
 */
export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    genReqId: () => `req_${randomBytes(9).toString("base64url")}`,
    requestIdHeader: false,
    // Unknown fields are refused, not dropped; wrong types are refused, not coerced.
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: false,
        allowUnionTypes: true,
      },
    },
    // One log line per request costs more than the decision itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
  });
  // Fastify parses text/plain by default; every body here is JSON, so anything else is a 415.
  app.removeContentTypeParser("text/plain");
  installErrorHandling(app);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Portcullis API",
        version: VERSION,
        description: "Browser keys that are safe to publish. Errors: docs/errors.md.",
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer" },
          // Private routes also take the dashboard's session cookie when no Authorization header is sent.
          sessionCookie: { type: "apiKey", in: "cookie", name: "pc_session" },
        },
      },
    },
  });

  await app.register(cookie);

  const cache = new KeyCache(clock, options.config.keyCacheSize, options.config.keyCacheTtlSeconds * 1000);
  const usage = new UsageBuffer(options.store, clock);
  const jwks = new JwksFetcher(clock, { ...DEFAULT_JWKS_OPTIONS, ...options.jwks });
  const tokens = new TokenVerifier({
    store: options.store,
    cipher: options.cipher,
    clock,
    jwks,
    publicUrl: options.config.publicUrl,
    ttlMs: options.config.keyCacheTtlSeconds * 1000,
  });
  const authenticate = createAuthenticator({
    store: options.store,
    cache,
    tokens,
    clock,
    recordUsage: (id) => usage.record(id),
  });
  const runtime = new CallRuntime({
    store: options.store,
    cipher: options.cipher,
    clock,
    logger: app.log,
    ...options.calls,
  });
  // A call's limit holds are settled in the transaction that records its end (calls/record-end.ts).
  app.decorate("calls", runtime);
  const decisions = new DecisionRecorder(options.store, clock, options.decisionFlushMs);
  const orgs = new OrgSettingsCache(options.store, clock, options.config.keyCacheTtlSeconds * 1000);
  const webhookKey = options.webhookKey ?? randomBytes(32).toString("hex");
  const webhooks = new Webhooks(orgs, clock, app.log, {
    ...DEFAULT_WEBHOOK_OPTIONS,
    ...options.webhooks,
    secretKey: webhookKey,
  });
  const refusals = new RefusalWatch(
    webhooks,
    (orgId) => orgs.get(orgId),
    () => clock.now(),
  );
  decisions.onFlush = (counts) => {
    refusals.observe(counts).catch((error: unknown) => app.log.warn({ err: error }, "refusal alert check failed"));
  };
  app.decorate("decisions", decisions);
  // Frames over 64 KB end the call with a clear reason (read by the session); the socket itself
  // refuses anything over 1 MB outright.
  await app.register(websocket, {
    options: { maxPayload: 1024 * 1024 },
    // Live calls end as "server-shutdown" (told to their clients, recorded) before any socket is
    // closed; the plugin's default would close them first and the clients would hear no reason.
    preClose: async function endCallsThenSockets(this: FastifyInstance) {
      await runtime.shutdown();
      for (const client of this.websocketServer.clients) client.close();
      await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()));
    },
  });
  const sessions = new Sessions(options.store, clock);
  const deps: RouteDeps = {
    store: options.store,
    clock,
    cipher: options.cipher,
    cache,
    tokens,
    jwks,
    auth: createAuthHooks(authenticate, options.store, clock, { sessions, publicUrl: options.config.publicUrl }),
    runtime,
    rates: new RateLimits(options.sqlite),
    decisions,
    orgs,
    assistants: new AssistantCache(options.store, clock, options.config.keyCacheTtlSeconds * 1000),
    webhooks,
    webhookSecret: (orgId) => webhookSecret(webhookKey, orgId),
    challenges: createChallenges(options.challengeKey ?? randomBytes(32).toString("hex"), clock),
    config: options.config,
  };

  await app.register(systemRoutes, { version: VERSION });
  await app.register(tokenRoutes, deps);
  await app.register(assistantRoutes, deps);
  await app.register(callRoutes, deps);
  await app.register(orgRoutes, deps);
  await app.register(signingKeyRoutes, deps);
  await app.register(credentialRoutes, deps);
  await app.register(auditRoutes, deps);
  await app.register(challengeRoutes, deps);
  await app.register(sessionRoutes, { ...deps, sessions, loginLimits: new LoginLimits() });
  await app.register(memberRoutes, deps);
  await app.register(dashboardRoutes, { dir: options.dashboardDir ?? DEFAULT_DASHBOARD_DIR });

  // Single-use token IDs are kept only until their token expires anyway.
  // Ended sessions are refused anyway; purging keeps their table small.
  const purge = setInterval(() => {
    void options.store.purgeUsedTokens(clock.now()).catch(() => undefined);
    void sessions.purge().catch(() => undefined);
  }, 60_000);
  purge.unref();
  app.addHook("onClose", async () => {
    clearInterval(purge);
    await usage.stop();
    await decisions.stop();
  });
  return app;
}
