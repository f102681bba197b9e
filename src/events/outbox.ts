import { CompiledQuery, type Insertable } from "kysely";
import { nowDate } from "../ids.js";
import type { DialectName } from "../store/sql-fragments.js";
import type { Db, Store } from "../store/store.js";
import { type OutboxTable, systemTables } from "../store/system-tables.js";
import { insertRow } from "../store/write-statements.js";
import { currentTraceparent } from "../tracing/trace-context.js";

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
export async function appendOutbox(tx: Db, event: OutboxEvent, dialect?: DialectName): Promise<void> {
  const row = outboxRow(event);
  if (dialect) await insertRow(tx, dialect, "_outbox", row);
  else await systemTables(tx).insertInto("_outbox").values(row).execute();
}

/** The `_outbox` row of an event (for callers that insert it together with other rows). */
export function outboxRow(event: OutboxEvent): Insertable<OutboxTable> {
  const row: Insertable<OutboxTable> = {
    created: nowDate(),
    collection_id: event.collectionId,
    collection_name: event.collectionName,
    record_id: event.recordId,
    action: event.action,
    record: JSON.stringify(event.record),
    previous: event.previous ? JSON.stringify(event.previous) : null,
  };
  // The request's trace, while tracing is on: webhooks and jobs caused by the event link back to it.
  const trace = currentTraceparent();
  if (trace) row.trace = trace;
  return row;
}

/** An outbox row as dispatchers read it: the event plus its position in the log. */
export interface OutboxEntry extends OutboxEvent {
  seq: number;
  created: string;
  /** The W3C traceparent of the request that wrote the event (stored while tracing is on). */
  trace?: string;
}

/** The highest sequence number written so far (0 for an empty outbox). */
export async function maxOutboxSeq(db: Db): Promise<number> {
  const row = await systemTables(db)
    .selectFrom("_outbox")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** When the first event after `cursor` was written (undefined when none is waiting). */
export async function firstCreatedAfter(db: Db, cursor: number): Promise<string | undefined> {
  const row = await systemTables(db)
    .selectFrom("_outbox")
    .select("created")
    .where("seq", ">", cursor)
    .orderBy("seq")
    .limit(1)
    .executeTakeFirst();
  return row ? String(row.created) : undefined;
}

const AFTER = {
  sqlite: `SELECT * FROM "_outbox" WHERE "seq" > ? ORDER BY "seq" LIMIT ?`,
  postgres: `SELECT * FROM "_outbox" WHERE "seq" > $1 ORDER BY "seq" LIMIT $2`,
} as const;

/**
 * Up to `limit` rows after `cursor`, in sequence order. Read after every commit, so the text is
 * fixed (no query building) and on SQLite it runs on the spot when no transaction is open.
 */
export async function readOutboxAfter(
  store: Pick<Store, "db" | "dialect" | "readNow">,
  cursor: number,
  limit: number,
): Promise<OutboxEntry[]> {
  const query = CompiledQuery.raw(AFTER[store.dialect], [cursor, limit]);
  const rows = store.readNow?.(query) ?? (await store.db.executeQuery<Record<string, unknown>>(query)).rows;
  return rows.map(toOutboxEntry);
}

/** The rows among `seqs` that exist now (late commits of sequence numbers skipped earlier). */
export async function readOutboxSeqs(db: Db, seqs: number[]): Promise<OutboxEntry[]> {
  if (seqs.length === 0) return [];
  const rows = await systemTables(db)
    .selectFrom("_outbox")
    .selectAll()
    .where("seq", "in", seqs)
    .orderBy("seq")
    .execute();
  return rows.map(toOutboxEntry);
}

/** Deletes rows created before `before` (the stored `YYYY-MM-DD HH:MM:SS.sssZ` form sorts as text). */
export async function pruneOutbox(db: Db, before: string): Promise<number> {
  const result = await systemTables(db)
    .deleteFrom("_outbox")
    .where("created", "<", before)
    .executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}

export function toOutboxEntry(row: Record<string, unknown>): OutboxEntry {
  const previous = row.previous == null ? undefined : JSON.parse(String(row.previous));
  return {
    seq: Number(row.seq),
    created: String(row.created),
    collectionId: String(row.collection_id),
    collectionName: String(row.collection_name),
    recordId: String(row.record_id),
    action: String(row.action) as RecordAction,
    record: JSON.parse(String(row.record)),
    ...(previous ? { previous } : {}),
    ...(row.trace ? { trace: String(row.trace) } : {}),
  };
}
