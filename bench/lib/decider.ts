import { evaluate } from "@portcullis/core";
import {
  AssistantCache,
  createAuthenticator,
  DEFAULT_JWKS_OPTIONS,
  decideWebCall,
  describeWebCall,
  JwksFetcher,
  KeyCache,
  openDataDir,
  systemClock,
  TokenVerifier,
  UsageBuffer,
} from "@portcullis/server";

export type WebCallBody = { assistantId: string };

/**
 * The `POST /call/web` decision without HTTP, wired like `createApp` wires it (key cache, token
 * verifier, usage buffer, authenticator), on a real data directory. `decide` answers what the route
 * would: "allow" or the refusal code.
 */
export async function openDecider(dataDir: string, options: { cacheSize?: number; publicUrl?: string } = {}) {
  const { store, cipher } = await openDataDir(dataDir, undefined);
  const clock = systemClock;
  const ttlMs = 30_000;
  const cache = new KeyCache(clock, options.cacheSize ?? 10_000, ttlMs);
  const usage = new UsageBuffer(store, clock);
  const jwks = new JwksFetcher(clock, DEFAULT_JWKS_OPTIONS);
  const publicUrl = options.publicUrl ?? "http://127.0.0.1";
  const tokens = new TokenVerifier({ store, cipher, clock, jwks, publicUrl, ttlMs });
  const authenticate = createAuthenticator({ store, cache, tokens, clock, recordUsage: (id) => usage.record(id) });
  const assistants = new AssistantCache(store, clock, ttlMs);

  /** The whole decision, as the route makes it: credential, key state, rules, assistant exists. */
  async function decide(authorization: string, origin: string, body: WebCallBody): Promise<string> {
    const auth = await authenticate(authorization);
    if (!auth.ok) return auth.code;
    if (auth.principal.tag !== "public") return "PRIVATE_KEY_NOT_ALLOWED_HERE";
    const { orgId, policy } = auth.principal;
    const { decision } = await decideWebCall(assistants, orgId, policy, describeWebCall(body, origin), {
      explain: false,
    });
    return decision.allow ? "allow" : decision.code;
  }

  /** The same without the assistant lookup (cached in the real route), for where the time goes. */
  async function decideWithoutStore(authorization: string, origin: string, body: WebCallBody): Promise<string> {
    const auth = await authenticate(authorization);
    if (!auth.ok) return auth.code;
    if (auth.principal.tag !== "public") return "PRIVATE_KEY_NOT_ALLOWED_HERE";
    const decision = evaluate(auth.principal.policy, describeWebCall(body, origin), { explain: false });
    return decision.allow ? "allow" : decision.code;
  }

  async function close(): Promise<void> {
    await usage.stop();
    await store.close();
  }

  /** Only the token's verification (what issue 3's "within 4x of one HMAC" is about): "ok" or the code. */
  async function verifyToken(token: string): Promise<string> {
    const result = await tokens.verify(token);
    return result.ok ? "ok" : result.code;
  }

  return { decide, decideWithoutStore, verifyToken, close };
}

export type Decider = Awaited<ReturnType<typeof openDecider>>;
