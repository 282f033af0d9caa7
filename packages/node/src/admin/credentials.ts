import type { Credential, CredentialInput } from "../generated/api-types.ts";
import type { Transport } from "./transport.ts";

/** Provider credentials (e.g. an OpenAI API key), stored encrypted and never returned. */
export class Credentials {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * Stores a provider API key; the answer never contains it.
   *
   * @example
   * await admin.credentials.create({ provider: "openai", apiKey: process.env.OPENAI_API_KEY!, name: "prod" });
   */
  async create(input: CredentialInput): Promise<Credential> {
    return (await this.#http.request("POST /credential", { body: input })).data;
  }

  /**
   * Lists the org's credentials (without their secrets).
   *
   * @example
   * for (const credential of await admin.credentials.list()) console.log(credential.provider, credential.name);
   */
  async list(): Promise<Credential[]> {
    return (await this.#http.request("GET /credential", {})).data;
  }

  /**
   * Deletes a credential.
   *
   * @example
   * await admin.credentials.delete("cred_…");
   */
  async delete(id: string): Promise<Credential> {
    return (await this.#http.request("DELETE /credential/{id}", { params: { id } })).data;
  }
}
