import { Assistants } from "./admin/assistants.ts";
import { Audit } from "./admin/audit.ts";
import { Calls } from "./admin/calls.ts";
import { Credentials } from "./admin/credentials.ts";
import { Org } from "./admin/org.ts";
import { SigningKeys } from "./admin/signing-keys.ts";
import { Tokens } from "./admin/tokens.ts";
import { Transport } from "./admin/transport.ts";

export type PortcullisAdminOptions = {
  /** A private key (`pcsk_…`) of the org to manage. Keep it on your server. */
  apiKey: string;
  /** Where the Portcullis server is, e.g. `https://portcullis.example.com`. */
  baseUrl: string;
  /** A fetch to use instead of the global one (tests, proxies, retries). */
  fetch?: typeof fetch;
};

/**
 * The admin client: keys, assistants, calls, the audit log, org settings, signing keys and provider
 * credentials of one org, with request and response types generated from the server's OpenAPI
 * document. Every refusal is thrown as a {@link PortcullisApiError} with the catalog's `code`.
 *
 * @example
 * const admin = new PortcullisAdmin({ apiKey: process.env.PORTCULLIS_PRIVATE_KEY!, baseUrl: "http://localhost:8787" });
 * const assistant = await admin.assistants.create({ name: "Support", firstMessage: "Hello!" });
 * const key = await admin.tokens.create({
 *   tag: "public",
 *   restrictions: { allowedOrigins: ["https://app.example.com"], allowedAssistantIds: [assistant.id] },
 * });
 */
export class PortcullisAdmin {
  /** API keys: create, list, get, update, delete (revoke), rotate, check (simulate), stats. */
  readonly tokens: Tokens;
  /** Saved assistants: create, list, listAll, get, update, delete. */
  readonly assistants: Assistants;
  /** Call records: list, listAll, get, end. */
  readonly calls: Calls;
  /** The audit log: list and listAll with filters. */
  readonly audit: Audit;
  /** Org settings: get, update. */
  readonly org: Org;
  /** Your public keys for asymmetric client tokens: create, list, get, delete. */
  readonly signingKeys: SigningKeys;
  /** Provider credentials: create, list, delete. */
  readonly credentials: Credentials;

  /**
   * @example
   * const admin = new PortcullisAdmin({ apiKey: "pcsk_…", baseUrl: "https://portcullis.example.com" });
   */
  constructor(options: PortcullisAdminOptions) {
    if (typeof options.apiKey !== "string" || options.apiKey === "")
      throw new TypeError("apiKey is required: one of your org's private keys (pcsk_…)");
    if (options.apiKey.startsWith("pcpk_"))
      throw new TypeError("apiKey is a public key (pcpk_…); the admin API takes a private key (pcsk_…)");
    if (!URL.canParse(options.baseUrl))
      throw new TypeError("baseUrl must be an absolute URL, e.g. http://localhost:8787");
    const http = new Transport(options);
    this.tokens = new Tokens(http);
    this.assistants = new Assistants(http);
    this.calls = new Calls(http);
    this.audit = new Audit(http);
    this.org = new Org(http);
    this.signingKeys = new SigningKeys(http);
    this.credentials = new Credentials(http);
  }
}
