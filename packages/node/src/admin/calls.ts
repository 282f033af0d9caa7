import type { Call } from "../generated/api-types.ts";
import { everyItem, type Page, type PageOptions, pageOf, pageQuery } from "./page.ts";
import type { Transport } from "./transport.ts";

export type CallListOptions = PageOptions & {
  /** Only calls of this saved assistant. */
  assistantId?: string;
  /** Only calls started with this key (`key_…`), or a token signed with it. */
  keyId?: string;
};

/** Call records. Calls are started from the browser (`POST /call/web`), not from here. */
export class Calls {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * One page of the org's calls, newest first.
   *
   * @example
   * const { items } = await admin.calls.list({ keyId: "key_…", limit: 50 });
   */
  async list(options: CallListOptions = {}): Promise<Page<Call>> {
    const query = {
      ...pageQuery(options),
      ...(options.assistantId && { assistantId: options.assistantId }),
      ...(options.keyId && { keyId: options.keyId }),
    };
    return pageOf(await this.#http.request("GET /call", { query }));
  }

  /**
   * Every call matching the filters, fetching pages as the loop goes.
   *
   * @example
   * for await (const call of admin.calls.listAll()) console.log(call.id, call.status, call.durationSeconds);
   */
  listAll(options: CallListOptions = {}): AsyncGenerator<Call, void, undefined> {
    return everyItem((o) => this.list(o), options);
  }

  /**
   * Gets one call, with its messages and transcript.
   *
   * @example
   * const call = await admin.calls.get("call_…");
   */
  async get(id: string): Promise<Call> {
    return (await this.#http.request("GET /call/{id}", { params: { id } })).data;
  }

  /**
   * Ends a live or queued call; an ended one is a `CALL_NOT_LIVE` error.
   *
   * @example
   * const ended = await admin.calls.end("call_…");
   * console.log(ended.endedReason); // "ended-via-api"
   */
  async end(id: string): Promise<Call> {
    return (await this.#http.request("POST /call/{id}/end", { params: { id } })).data;
  }
}
