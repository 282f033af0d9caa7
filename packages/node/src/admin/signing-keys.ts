import type { SigningKey, SigningKeyInput } from "../generated/api-types.ts";
import type { Transport } from "./transport.ts";

/** Your own public keys (a JWK or a JWKS URL) for verifying client tokens you sign with ES256, EdDSA or RS256. */
export class SigningKeys {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * Registers a public JWK (with `kid`) or a JWKS URL.
   *
   * @example
   * const { publicKey } = generateKeyPairSync("ed25519");
   * await admin.signingKeys.create({ name: "backend", jwk: { ...publicKey.export({ format: "jwk" }), kid: "backend-1" } });
   */
  async create(input: SigningKeyInput): Promise<SigningKey> {
    return (await this.#http.request("POST /signing-key", { body: input })).data;
  }

  /**
   * Lists the org's signing keys.
   *
   * @example
   * for (const key of await admin.signingKeys.list()) console.log(key.kid, key.alg);
   */
  async list(): Promise<SigningKey[]> {
    return (await this.#http.request("GET /signing-key", {})).data;
  }

  /**
   * Gets one signing key.
   *
   * @example
   * const key = await admin.signingKeys.get("sk_…");
   */
  async get(id: string): Promise<SigningKey> {
    return (await this.#http.request("GET /signing-key/{id}", { params: { id } })).data;
  }

  /**
   * Deletes a signing key; tokens signed with it stop working.
   *
   * @example
   * await admin.signingKeys.delete("sk_…");
   */
  async delete(id: string): Promise<SigningKey> {
    return (await this.#http.request("DELETE /signing-key/{id}", { params: { id } })).data;
  }
}
