import { createHmac } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { Clock } from "../domain/clock.ts";
import type { OrgSettingsCache } from "../domain/org-cache.ts";

export type AlertEvent =
  | {
      type: "spend.threshold";
      keyId: string | null;
      scope: string;
      percent: 80 | 100;
      usedSeconds: number;
      capSeconds: number;
    }
  | { type: "refusals.threshold"; keyId: string; refused: number; windowSeconds: number };

export type WebhookOptions = {
  /** Derives each org's signing secret; processes sharing a database must share it. */
  secretKey: string;
  timeoutMs: number;
  /** Delays before each retry. */
  retryDelaysMs: readonly number[];
  fetch?: typeof fetch;
};

export const DEFAULT_WEBHOOK_OPTIONS: Omit<WebhookOptions, "secretKey"> = {
  timeoutMs: 5000,
  retryDelaysMs: [1000, 5000, 25_000],
};

/** The secret an org verifies its webhooks with (`GET /org` shows it while a webhook is set). */
export function webhookSecret(secretKey: string, orgId: string): string {
  return `whsec_${createHmac("sha256", secretKey).update(`webhook:${orgId}`).digest("base64url")}`;
}

/**
 * Sends alerts to an org's webhook URL: JSON, signed `portcullis-signature: t=<unix>,v1=<hex>` with
 * HMAC-SHA256 over `<t>.<body>`, each attempt bounded by a timeout and retried with backoff. Never
 * on the request path: callers fire and forget.
 */
export class Webhooks {
  private readonly fired = new Set<string>();

  constructor(
    private readonly orgs: OrgSettingsCache,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly options: WebhookOptions,
  ) {}

  /** Sends an alert once per `dedupe` key (e.g. one 80% alert per cap and period). */
  notify(orgId: string, event: AlertEvent, dedupe: string): void {
    if (this.fired.has(dedupe)) return;
    this.fired.add(dedupe);
    if (this.fired.size > 100_000) this.fired.clear();
    void this.deliver(orgId, event).catch((error: unknown) =>
      this.log.warn({ err: error, orgId }, "webhook delivery failed"),
    );
  }

  private async deliver(orgId: string, event: AlertEvent): Promise<void> {
    const url = (await this.orgs.get(orgId)).webhookUrl;
    if (!url) return;
    const body = JSON.stringify({ ...event, orgId, at: new Date(this.clock.now()).toISOString() });
    const secret = webhookSecret(this.options.secretKey, orgId);
    const doFetch = this.options.fetch ?? fetch;
    for (let attempt = 0; ; attempt++) {
      const t = Math.floor(this.clock.now() / 1000);
      const signature = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
      try {
        const response = await doFetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "portcullis-signature": `t=${t},v1=${signature}` },
          body,
          redirect: "error",
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        if (response.ok) return;
      } catch {
        // A timeout or refused connection is retried like an error status.
      }
      const delay = this.options.retryDelaysMs[attempt];
      if (delay === undefined) throw new Error(`gave up after ${attempt + 1} attempts`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
