import { describe } from "vitest";
import { assistantsContract } from "./contract/assistants.ts";
import { auditContract } from "./contract/audit.ts";
import { callsContract } from "./contract/calls.ts";
import { concurrencyContract } from "./contract/concurrency.ts";
import { countersContract } from "./contract/counters.ts";
import { credentialsContract } from "./contract/credentials.ts";
import { decisionCountsContract } from "./contract/decision-counts.ts";
import type { OpenStore } from "./contract/fixtures.ts";
import { instancesContract } from "./contract/instances.ts";
import { isolationContract } from "./contract/isolation.ts";
import { keysContract } from "./contract/keys.ts";
import { membersContract } from "./contract/members.ts";
import { orgsContract } from "./contract/orgs.ts";
import { pagingContract } from "./contract/paging.ts";
import { signingKeysContract } from "./contract/signing-keys.ts";
import { transactionsContract } from "./contract/transactions.ts";
import { usedTokensContract } from "./contract/used-tokens.ts";

export type { OpenedStore, OpenStore } from "./contract/fixtures.ts";

/**
 * The behaviour every {@link Store} adapter must have, as its callers rely on it. Run it from an
 * adapter's test file with a function that opens a fresh, empty, migrated store; every test opens
 * its own and closes it.
 *
 * @example
 * storeContract("SQLite in memory", async () => {
 *   const store = new KyselyStore(await openSqlite(":memory:"));
 *   return { store, close: () => store.close() };
 * });
 */
export function storeContract(name: string, open: OpenStore): void {
  describe(`Store contract: ${name}`, () => {
    orgsContract(open);
    keysContract(open);
    assistantsContract(open);
    callsContract(open);
    instancesContract(open);
    pagingContract(open);
    auditContract(open);
    signingKeysContract(open);
    credentialsContract(open);
    countersContract(open);
    decisionCountsContract(open);
    usedTokensContract(open);
    membersContract(open);
    transactionsContract(open);
    isolationContract(open);
    concurrencyContract(open);
  });
}
