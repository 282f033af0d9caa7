import type { Operations, Token, TokenInput, TokenStats } from "../generated/api-types.ts";
import type { Transport } from "./transport.ts";

/** What a key may do: origins, assistants, overrides, limits (docs/restrictions.md). */
export type Restrictions = NonNullable<TokenInput["restrictions"]>;
/** A key as the API shows it; `value` is in the create response of a private key only. */
export type ApiKey = Omit<Token, "restrictions"> & { restrictions: Restrictions & Record<string, unknown> };
export type UpdateTokenInput = Operations["PATCH /token/{id}"]["body"];
export type CheckInput = Operations["POST /token/{id}/check"]["body"];
export type CheckResult = Operations["POST /token/{id}/check"]["response"];
export type StatsWindow = NonNullable<Operations["GET /token/{id}/stats"]["query"]["window"]>;

/** API keys ("tokens"): private keys for servers, restricted public keys for browsers. */
export class Tokens {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * Creates a key. The answer carries its value; a private key's value is shown this once.
   *
   * @example
   * const key = await admin.tokens.create({
   *   tag: "public", name: "Landing page",
   *   restrictions: { allowedOrigins: ["https://app.example.com"], allowedAssistantIds: ["asst_…"] },
   * });
   * console.log(key.value); // pcpk_…
   */
  async create(input: TokenInput): Promise<ApiKey> {
    return (await this.#http.request("POST /token", { body: input })).data as ApiKey;
  }

  /**
   * Lists the org's keys that are not revoked, newest first.
   *
   * @example
   * for (const key of await admin.tokens.list()) console.log(key.id, key.tag, key.name);
   */
  async list(): Promise<ApiKey[]> {
    return (await this.#http.request("GET /token", {})).data as ApiKey[];
  }

  /**
   * Gets one key; another org's or an unknown ID is a `NOT_FOUND` error.
   *
   * @example
   * const key = await admin.tokens.get("key_…");
   */
  async get(id: string): Promise<ApiKey> {
    return (await this.#http.request("GET /token/{id}", { params: { id } })).data as ApiKey;
  }

  /**
   * Updates a key's name or restrictions. Absent top-level fields keep their value; `restrictions`,
   * when sent, replaces the whole object (absent restriction fields take their defaults).
   *
   * @example
   * await admin.tokens.update("key_…", { restrictions: { allowedOrigins: ["https://new.example.com"] } });
   */
  async update(id: string, input: UpdateTokenInput): Promise<ApiKey> {
    return (await this.#http.request("PATCH /token/{id}", { params: { id }, body: input })).data as ApiKey;
  }

  /**
   * Revokes a key: it stops working at once and for good.
   *
   * @example
   * await admin.tokens.delete("key_…");
   */
  async delete(id: string): Promise<ApiKey> {
    return (await this.#http.request("DELETE /token/{id}", { params: { id } })).data as ApiKey;
  }

  /**
   * Issues a new value for a key. The old value keeps working for `gracePeriodSeconds` (default 0:
   * it stops at once, as you want for a leaked key).
   *
   * @example
   * const { value } = await admin.tokens.rotate("key_…", { gracePeriodSeconds: 3600 });
   */
  async rotate(id: string, options: { gracePeriodSeconds?: number } = {}): Promise<ApiKey> {
    return (await this.#http.request("POST /token/{id}/rotate", { params: { id }, body: options })).data as ApiKey;
  }

  /**
   * Simulates `POST /call/web` with this key: the decision, the rule that made it and a trace.
   * Nothing is written and no quota is spent.
   *
   * @example
   * const result = await admin.tokens.check("key_…", { origin: "https://evil.example", assistantId: "asst_…" });
   * console.log(result.decision, result.code); // "deny" "ORIGIN_NOT_ALLOWED"
   */
  async check(id: string, input: CheckInput): Promise<CheckResult> {
    return (await this.#http.request("POST /token/{id}/check", { params: { id }, body: input })).data;
  }

  /**
   * Allowed and refused call starts of a key over a window (default 24h), by reason and origin.
   *
   * @example
   * const stats = await admin.tokens.stats("key_…", { window: "1h" });
   * console.log(stats.totals?.refused, stats.byReason);
   */
  async stats(id: string, options: { window?: StatsWindow } = {}): Promise<TokenStats> {
    return (await this.#http.request("GET /token/{id}/stats", { params: { id }, query: options })).data;
  }
}
