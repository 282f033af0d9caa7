import type { AuditEvent } from "../storage/records.ts";
import type { Store } from "../storage/store.ts";

/**
 * Runs a write and appends its audit event in the same transaction: both land or neither does.
 * When the write finds nothing to change (returns undefined), nothing is audited.
 */
export async function audited<T>(
  store: Store,
  write: (tx: Store) => Promise<T | undefined>,
  describe: (result: T) => AuditEvent,
): Promise<T | undefined> {
  return store.transaction(async (tx) => {
    const result = await write(tx);
    if (result !== undefined) await tx.appendAudit(describe(result));
    return result;
  });
}
