import type { Webhooks } from "../alerts/webhooks.ts";
import type { DecisionRecorder } from "../audit/decision-recorder.ts";
import type { JwksFetcher } from "../auth/jwt/jwks-fetcher.ts";
import type { TokenVerifier } from "../auth/jwt/token-verifier.ts";
import type { KeyCache } from "../auth/key-cache.ts";
import type { CallRuntime } from "../calls/call-runtime.ts";
import type { Config } from "../config/config.ts";
import type { AssistantCache } from "../domain/assistant-cache.ts";
import type { Challenges } from "../domain/challenges.ts";
import type { Clock } from "../domain/clock.ts";
import type { OrgSettingsCache } from "../domain/org-cache.ts";
import type { AuthHooks } from "../http/auth-hooks.ts";
import type { RateLimits } from "../limits/rate-limits.ts";
import type { Cipher } from "../secrets/cipher.ts";
import type { Store } from "../storage/store.ts";

/** What every route plugin is built from; passed explicitly, never imported as a singleton. */
export type RouteDeps = {
  store: Store;
  clock: Clock;
  cipher: Cipher;
  cache: KeyCache;
  tokens: TokenVerifier;
  jwks: JwksFetcher;
  auth: AuthHooks;
  runtime: CallRuntime;
  rates: RateLimits;
  decisions: DecisionRecorder;
  orgs: OrgSettingsCache;
  assistants: AssistantCache;
  challenges: Challenges;
  webhooks: Webhooks;
  /** The secret an org's webhooks are signed with. */
  webhookSecret: (orgId: string) => string;
  config: Pick<Config, "publicUrl">;
};
