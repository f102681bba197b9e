import { sql } from "kysely";
import { nowDate } from "../ids.js";
import type { Db } from "../store/store.js";

/** The `_params` row holding the highest outbox sequence any node has handed to its listeners. */
const PARAM_ID = "outbox_dispatched";

/** The last dispatched sequence number, if a dispatcher ever saved one. */
export async function readDispatchedSeq(db: Db): Promise<number | undefined> {
  const rows = await sql<{ value: string }>`SELECT value FROM _params WHERE id = ${PARAM_ID}`.execute(db);
  const value = Number(rows.rows[0]?.value);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** Saves `seq` unless a node has saved a higher one (each node's cursor only moves forward). */
export async function saveDispatchedSeq(db: Db, seq: number): Promise<void> {
  await sql`INSERT INTO _params (id, value, updated) VALUES (${PARAM_ID}, ${String(seq)}, ${nowDate()})
    ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated = excluded.updated
    WHERE CAST(_params.value AS BIGINT) < CAST(excluded.value AS BIGINT)`.execute(db);
}
