import { nowDate } from "../ids.js";
import { afterCommit } from "../records/after-commit.js";
import type { Db } from "../store/store.js";
import { systemTables } from "../store/system-tables.js";

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  secret: string;
  active: boolean;
  created: string;
  updated: string;
}

// Bumped by every change made through this module, so that caches of the active webhooks
// (see active-webhooks.ts) re-read at once after a change on this node.
let generation = 0;

/**
 * Counts a change once it is visible to every connection: after COMMIT when `db` is a transaction
 * of transactionWithAfterCommit (make changes in one), at once on a plain connection. Bumped
 * before COMMIT, a cache filled meanwhile on another connection would hold the old rows under the
 * new generation for its whole lifetime.
 */
function changed(db: Db): Promise<void> {
  return afterCommit(db, {
    committed: async () => {
      generation++;
    },
    rolledBack: async () => {},
  });
}

/** Changes on this node so far (other nodes' changes reach caches by their time-to-live). */
export function webhooksGeneration(): number {
  return generation;
}

function toWebhook(row: Record<string, unknown>): Webhook {
  let events: string[] = [];
  try {
    events = JSON.parse(String(row.events));
  } catch {
    // A damaged row subscribes to nothing rather than failing every event.
  }
  return {
    id: String(row.id),
    url: String(row.url),
    events,
    secret: String(row.secret),
    // SQLite stores booleans as 0/1.
    active: row.active === true || row.active === 1,
    created: String(row.created),
    updated: String(row.updated),
  };
}

export async function insertWebhook(db: Db, hook: Omit<Webhook, "created" | "updated">): Promise<Webhook> {
  const now = nowDate();
  // 1/0: better-sqlite3 can't bind booleans, and PostgreSQL reads '1'/'0' as booleans.
  const row = {
    ...hook,
    events: JSON.stringify(hook.events),
    active: hook.active ? 1 : 0,
    created: now,
    updated: now,
  };
  await systemTables(db).insertInto("_webhooks").values(row).execute();
  await changed(db);
  return { ...hook, created: now, updated: now };
}

export async function updateWebhook(
  db: Db,
  id: string,
  patch: Partial<Pick<Webhook, "url" | "events" | "secret" | "active">>,
): Promise<Webhook | undefined> {
  const set: Record<string, unknown> = { updated: nowDate() };
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.events !== undefined) set.events = JSON.stringify(patch.events);
  if (patch.secret !== undefined) set.secret = patch.secret;
  if (patch.active !== undefined) set.active = patch.active ? 1 : 0;
  const result = await systemTables(db)
    .updateTable("_webhooks")
    .set(set)
    .where("id", "=", id)
    .executeTakeFirst();
  await changed(db);
  return Number(result.numUpdatedRows) > 0 ? getWebhook(db, id) : undefined;
}

export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
  const result = await systemTables(db).deleteFrom("_webhooks").where("id", "=", id).executeTakeFirst();
  await changed(db);
  if (Number(result.numDeletedRows) === 0) return false;
  await systemTables(db).deleteFrom("_webhook_deliveries").where("webhook_id", "=", id).execute();
  return true;
}

export async function getWebhook(db: Db, id: string): Promise<Webhook | undefined> {
  const row = await systemTables(db)
    .selectFrom("_webhooks")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? toWebhook(row) : undefined;
}

export async function listWebhooks(db: Db, page: { limit: number; offset: number }): Promise<Webhook[]> {
  const rows = await systemTables(db)
    .selectFrom("_webhooks")
    .selectAll()
    .orderBy("created", "desc")
    .orderBy("id", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(toWebhook);
}

export async function countWebhooks(db: Db): Promise<number> {
  const row = await systemTables(db)
    .selectFrom("_webhooks")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function activeWebhooks(db: Db): Promise<Webhook[]> {
  const rows = await systemTables(db).selectFrom("_webhooks").selectAll().where("active", "=", 1).execute();
  return rows.map(toWebhook);
}
