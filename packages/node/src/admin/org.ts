import type { Operations, Org as OrgRecord } from "../generated/api-types.ts";
import type { Transport } from "./transport.ts";

export type OrgSettings = Operations["PATCH /org"]["body"];

/** The caller's org and its settings (token lifetime cap, concurrency, spend cap, alert webhook). */
export class Org {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * Gets the org.
   *
   * @example
   * const { id, maxTokenTtlSeconds } = await admin.org.get();
   */
  async get(): Promise<OrgRecord> {
    return (await this.#http.request("GET /org", {})).data;
  }

  /**
   * Updates org settings; absent fields keep their value, `null` clears an optional limit.
   *
   * @example
   * await admin.org.update({ maxTokenTtlSeconds: 900, spendLimit: { minutes: 10_000, period: "month" } });
   */
  async update(settings: OrgSettings): Promise<OrgRecord> {
    return (await this.#http.request("PATCH /org", { body: settings })).data;
  }
}
