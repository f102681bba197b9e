import type { Db } from "../store/store.js";
import { systemTables } from "../store/system-tables.js";
import { type OutboxEntry, toOutboxEntry } from "./outbox.js";

/**
 * Up to `limit` rows of the given collections with `after < seq <= upTo`, in sequence order (the
 * change feed's page). Walks the sequence index; rows of other collections are skipped in SQL.
 */
export async function readOutboxRange(
  db: Db,
  collectionIds: string[],
  after: number,
  upTo: number,
  limit: number,
): Promise<OutboxEntry[]> {
  if (collectionIds.length === 0 || upTo <= after) return [];
  const rows = await systemTables(db)
    .selectFrom("_outbox")
    .selectAll()
    .where("seq", ">", after)
    .where("seq", "<=", upTo)
    .where("collection_id", "in", collectionIds)
    .orderBy("seq")
    .limit(limit)
    .execute();
  return rows.map((r) => toOutboxEntry(r as Record<string, unknown>));
}
