import { sql } from "kysely";
import type { Collection } from "../collections/model.js";
import { ApiError } from "../errors/api-error.js";
import type { Db, Store } from "../store/store.js";
import type { RecordValues } from "./row-mapping.js";

/**
 * Optimistic concurrency for offline writes: a record's entity tag is its `updated` value,
 * quoted (sent as `ETag` on view, create and update). An update or delete that carries
 * `If-Match` only proceeds when the record is still at that version; without the header the
 * last writer wins, as in PocketBase.
 */
export function etagOf(record: { updated?: unknown }): string | undefined {
  return typeof record.updated === "string" && record.updated !== "" ? `"${record.updated}"` : undefined;
}

/**
 * Locks the row for the rest of the transaction on PostgreSQL, so the version checked is the one
 * the write replaces (SQLite's write transactions already run one at a time).
 */
export async function lockForIfMatch(
  tx: Db,
  store: Store,
  collection: Collection,
  id: string,
): Promise<void> {
  if (store.dialect !== "postgres") return;
  await sql`SELECT 1 FROM ${sql.table(collection.name)} WHERE id = ${id} FOR UPDATE`.execute(tx);
}

/** Throws 412 when none of the header's tags is the record's current one (`*`: any version). */
export function checkIfMatch(header: string, current: RecordValues): void {
  const tags = header.split(",").map((t) => t.trim());
  if (tags.includes("*")) return;
  const updated = typeof current.updated === "string" ? current.updated : undefined;
  // Strong comparison (RFC 9110): a weak tag never matches. The bare `updated` value is accepted
  // too, for clients that keep the record rather than the header.
  const matches = tags.some((t) => updated !== undefined && (t === `"${updated}"` || t === updated));
  if (!matches)
    throw new ApiError(412, "The record was changed since you read it: fetch it again and retry.", {
      updated: {
        code: "validation_precondition_failed",
        message: "If-Match does not match the record's current version.",
        params: { current: updated ?? null },
      },
    });
}
