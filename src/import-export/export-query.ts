import { type RawBuilder, sql } from "kysely";
import type { Collection } from "../collections/model.js";
import { ALIAS } from "../records/record-query.js";
import { type RecordValues, rowToRecord } from "../records/row-mapping.js";
import type { Store } from "../store/store.js";

/**
 * The next `limit` records after `afterId` (by id) that match `where`: export walks a collection
 * by keyset, so each page is an index range scan and memory stays one page whatever the size.
 */
export async function recordsAfter(
  store: Store,
  collection: Collection,
  where: RawBuilder<unknown>,
  afterId: string,
  limit: number,
): Promise<RecordValues[]> {
  const id = sql.ref(`${ALIAS}.id`);
  const result = await sql<
    Record<string, unknown>
  >`SELECT ${sql.ref(ALIAS)}.* FROM ${sql.table(collection.name)} AS ${sql.ref(ALIAS)} WHERE (${where}) AND ${id} > ${afterId} ORDER BY ${id} LIMIT ${limit}`.execute(
    store.db,
  );
  return result.rows.map((row) => rowToRecord(collection, row, store.dialect));
}
