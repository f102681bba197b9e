import { nowDate } from "../ids.js";
import type { Db } from "../store/store.js";

export type RecordAction = "create" | "update" | "delete";

export interface OutboxEvent {
  collectionId: string;
  collectionName: string;
  recordId: string;
  action: RecordAction;
  /** The record as stored after the write (before it, for deletes). */
  record: Record<string, unknown>;
  previous?: Record<string, unknown>;
}

/**
 * Appends an event in the caller's transaction (DESIGN principle 2): it exists exactly when the
 * write committed. Dispatchers read the outbox after their own cursor.
 */
export async function appendOutbox(tx: Db, event: OutboxEvent): Promise<void> {
  await tx
    .insertInto("_outbox")
    .values({
      created: nowDate(),
      collection_id: event.collectionId,
      collection_name: event.collectionName,
      record_id: event.recordId,
      action: event.action,
      record: JSON.stringify(event.record),
      previous: event.previous ? JSON.stringify(event.previous) : null,
    })
    .execute();
}
