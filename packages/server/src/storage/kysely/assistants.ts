import type { Selectable } from "kysely";
import type { AssistantTable } from "../database.ts";
import type { AssistantRecord, Page, PageQuery } from "../records.ts";
import type { Db } from "./db.ts";
import { decodeCursor, toPage } from "./page.ts";

function toAssistant(row: Selectable<AssistantTable>): AssistantRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    config: JSON.parse(row.config) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertAssistant(db: Db, assistant: AssistantRecord): Promise<void> {
  await db
    .insertInto("assistants")
    .values({
      id: assistant.id,
      org_id: assistant.orgId,
      config: JSON.stringify(assistant.config),
      created_at: assistant.createdAt,
      updated_at: assistant.updatedAt,
    })
    .execute();
}

export async function getAssistant(db: Db, orgId: string, id: string): Promise<AssistantRecord | undefined> {
  const row = await db
    .selectFrom("assistants")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row && toAssistant(row);
}

export async function assistantExists(db: Db, orgId: string, id: string): Promise<boolean> {
  const row = await db
    .selectFrom("assistants")
    .select("id")
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row !== undefined;
}

export async function listAssistants(db: Db, orgId: string, page: PageQuery): Promise<Page<AssistantRecord>> {
  const before = decodeCursor(page.cursor);
  let query = db.selectFrom("assistants").selectAll().where("org_id", "=", orgId);
  if (before !== undefined) query = query.where("seq", "<", before);
  const rows = await query
    .orderBy("seq", "desc")
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, toAssistant);
}

export async function updateAssistant(
  db: Db,
  orgId: string,
  id: string,
  config: Record<string, unknown>,
  at: string,
): Promise<AssistantRecord | undefined> {
  const row = await db
    .updateTable("assistants")
    .set({ config: JSON.stringify(config), updated_at: at })
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row && toAssistant(row);
}

export async function deleteAssistant(db: Db, orgId: string, id: string): Promise<AssistantRecord | undefined> {
  const row = await db
    .deleteFrom("assistants")
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row && toAssistant(row);
}
