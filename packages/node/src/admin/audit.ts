import type { Operations } from "../generated/api-types.ts";
import { everyItem, type Page, type PageOptions, pageOf, pageQuery } from "./page.ts";
import type { Transport } from "./transport.ts";

/** One audit-log entry: a change (`token.create`, …) or a call decision (`call.deny`, …). */
export type AuditEvent = Operations["GET /audit"]["response"][number];
export type AuditEventName = NonNullable<Operations["GET /audit"]["query"]["event"]>;

export type AuditListOptions = PageOptions & {
  event?: AuditEventName;
  /** The key the event is about. */
  keyId?: string;
  /** A refusal code, e.g. `ORIGIN_NOT_ALLOWED`. */
  reason?: string;
  /** Events at or after this instant. */
  from?: Date | string;
  /** Events before this instant. */
  to?: Date | string;
};

const iso = (at: Date | string | undefined): string | undefined => (at instanceof Date ? at.toISOString() : at);

/** The audit log: who changed what, and who was refused and why. */
export class Audit {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * One page of audit events, newest first, with filters.
   *
   * @example
   * const { items, nextCursor } = await admin.audit.list({ event: "call.deny", reason: "ORIGIN_NOT_ALLOWED", limit: 50 });
   */
  async list(options: AuditListOptions = {}): Promise<Page<AuditEvent>> {
    const query = {
      ...pageQuery(options),
      ...(options.event && { event: options.event }),
      ...(options.keyId && { keyId: options.keyId }),
      ...(options.reason && { reason: options.reason }),
      ...(options.from !== undefined && { from: iso(options.from) }),
      ...(options.to !== undefined && { to: iso(options.to) }),
    };
    return pageOf(await this.#http.request("GET /audit", { query }));
  }

  /**
   * Every audit event matching the filters, fetching pages as the loop goes.
   *
   * @example
   * for await (const event of admin.audit.listAll({ from: new Date(Date.now() - 3600_000) })) console.log(event.event);
   */
  listAll(options: AuditListOptions = {}): AsyncGenerator<AuditEvent, void, undefined> {
    return everyItem((o) => this.list(o), options);
  }
}
