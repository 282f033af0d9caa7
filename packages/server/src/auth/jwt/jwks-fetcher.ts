import type { Clock } from "../../domain/clock.ts";
import { type ReadSigningKey, readSigningJwk } from "../../domain/signing-keys.ts";

export type JwksKey = Extract<ReadSigningKey, { ok: true }> & { kid: string };

export type JwksFetchOptions = {
  timeoutMs: number;
  maxBytes: number;
  /** How long a fetched set is trusted. */
  ttlMs: number;
  /** After a miss on an unknown kid, how long before the set may be fetched again. */
  refetchAfterMs: number;
  fetch?: typeof fetch;
};

export const DEFAULT_JWKS_OPTIONS: JwksFetchOptions = {
  timeoutMs: 3000,
  maxBytes: 64 * 1024,
  ttlMs: 10 * 60_000,
  refetchAfterMs: 30_000,
};

type Entry = { keys: Map<string, JwksKey>; fetchedAt: number };

/** Reads a response body up to `maxBytes`; larger bodies are refused without reading the rest. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`the JWKS is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Fetches and caches an org's JWKS. URLs come only from the org's registered signing keys — never
 * from a token (`jku`/`x5u` are ignored). Fetches have a timeout and a size cap; an unknown `kid`
 * triggers at most one refetch per `refetchAfterMs`, so tokens with random kids cannot make us
 * hammer the customer's server.
 */
export class JwksFetcher {
  private readonly sets = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Map<string, JwksKey>>>();

  constructor(
    private readonly clock: Clock,
    private readonly options: JwksFetchOptions = DEFAULT_JWKS_OPTIONS,
  ) {}

  /** Fetches a set now (used when the URL is registered, to refuse a bad one at once). */
  async load(url: string): Promise<Map<string, JwksKey>> {
    const pending = this.inFlight.get(url);
    if (pending) return pending;
    const promise = this.fetchSet(url).finally(() => this.inFlight.delete(url));
    this.inFlight.set(url, promise);
    const keys = await promise;
    this.sets.set(url, { keys, fetchedAt: this.clock.now() });
    return keys;
  }

  /** The key with this kid, from the cache or a (bounded) refetch; undefined when there is none. */
  async find(url: string, kid: string): Promise<JwksKey | undefined> {
    const now = this.clock.now();
    const entry = this.sets.get(url);
    const fresh = entry && now - entry.fetchedAt < this.options.ttlMs;
    const hit = entry?.keys.get(kid);
    if (hit && fresh) return hit;
    if (entry && now - entry.fetchedAt < this.options.refetchAfterMs) return hit;
    try {
      return (await this.load(url)).get(kid);
    } catch {
      // Keep serving the last good set while the customer's server is down.
      return hit;
    }
  }

  forget(url: string): void {
    this.sets.delete(url);
  }

  private async fetchSet(url: string): Promise<Map<string, JwksKey>> {
    const doFetch = this.options.fetch ?? fetch;
    const response = await doFetch(url, {
      signal: AbortSignal.timeout(this.options.timeoutMs),
      redirect: "error",
      headers: { accept: "application/json" },
    });
    if (!response.ok) throw new Error(`the JWKS URL answered ${response.status}`);
    const body: unknown = JSON.parse(await readCapped(response, this.options.maxBytes));
    const list = (body as { keys?: unknown })?.keys;
    if (!Array.isArray(list)) throw new Error("the JWKS has no 'keys' array");
    const keys = new Map<string, JwksKey>();
    for (const item of list.slice(0, 100)) {
      const read = readSigningJwk(item);
      // Keys we cannot use (encryption keys, other curves) are skipped, as RFC 7517 §5 allows.
      if (read.ok && read.kid !== undefined) keys.set(read.kid, { ...read, kid: read.kid });
    }
    if (keys.size === 0) throw new Error("the JWKS has no usable signing key with a kid");
    return keys;
  }
}
