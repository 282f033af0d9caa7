import type { Kysely } from "kysely";
import type { Database } from "../database.ts";

/**
 * The handle every query module takes: the store's database or, when the store runs in a
 * transaction, that transaction. Modules never open transactions of their own; KyselyStore decides
 * which statements commit together.
 */
export type Db = Kysely<Database>;
