import type { Assistant, AssistantInput } from "../generated/api-types.ts";
import { everyItem, type Page, type PageOptions, pageOf, pageQuery } from "./page.ts";
import type { Transport } from "./transport.ts";

/** Saved assistants (Vapi-shaped: name, firstMessage, model, voice, …). */
export class Assistants {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * Saves an assistant.
   *
   * @example
   * const assistant = await admin.assistants.create({
   *   name: "Support", firstMessage: "Hello! How can I help?",
   *   model: { provider: "openai", model: "gpt-4o-mini", messages: [{ role: "system", content: "Be brief." }] },
   * });
   */
  async create(input: AssistantInput): Promise<Assistant> {
    return (await this.#http.request("POST /assistant", { body: input })).data;
  }

  /**
   * One page of the org's assistants, newest first.
   *
   * @example
   * const { items, nextCursor } = await admin.assistants.list({ limit: 20 });
   */
  async list(options: PageOptions = {}): Promise<Page<Assistant>> {
    return pageOf(await this.#http.request("GET /assistant", { query: pageQuery(options) }));
  }

  /**
   * Every assistant of the org, fetching pages as the loop goes.
   *
   * @example
   * for await (const assistant of admin.assistants.listAll()) console.log(assistant.id, assistant.name);
   */
  listAll(options: PageOptions = {}): AsyncGenerator<Assistant, void, undefined> {
    return everyItem((o) => this.list(o), options);
  }

  /**
   * Gets one assistant.
   *
   * @example
   * const assistant = await admin.assistants.get("asst_…");
   */
  async get(id: string): Promise<Assistant> {
    return (await this.#http.request("GET /assistant/{id}", { params: { id } })).data;
  }

  /**
   * Updates an assistant: each field sent replaces that field; absent fields keep their value.
   *
   * @example
   * await admin.assistants.update("asst_…", { firstMessage: "Hi there!" });
   */
  async update(id: string, input: AssistantInput): Promise<Assistant> {
    return (await this.#http.request("PATCH /assistant/{id}", { params: { id }, body: input })).data;
  }

  /**
   * Deletes an assistant.
   *
   * @example
   * await admin.assistants.delete("asst_…");
   */
  async delete(id: string): Promise<Assistant> {
    return (await this.#http.request("DELETE /assistant/{id}", { params: { id } })).data;
  }
}
