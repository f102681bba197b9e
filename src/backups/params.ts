import { sql } from "kysely";
import { nowDate } from "../ids.js";
import type { Db } from "../store/store.js";

/** The `_params` rows backups use (statements shared by both stores). */

export async function readParam(db: Db, id: string): Promise<string | undefined> {
  const rows = await sql<{ value: string }>`SELECT value FROM _params WHERE id = ${id}`.execute(db);
  return rows.rows[0]?.value;
}

export async function writeParam(db: Db, id: string, value: string): Promise<void> {
  await sql`INSERT INTO _params (id, value, updated) VALUES (${id}, ${value}, ${nowDate()})
    ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated = excluded.updated`.execute(db);
}

/**
 * Claims a schedule tick for this node: true for exactly one of the nodes that ask for the same
 * tick (the row moves forward only once per tick), false for the others and for older ticks.
 */
export async function claimTick(db: Db, id: string, tick: string): Promise<boolean> {
  await sql`INSERT INTO _params (id, value, updated) VALUES (${id}, '', ${nowDate()})
    ON CONFLICT (id) DO NOTHING`.execute(db);
  const result = await sql`UPDATE _params SET value = ${tick}, updated = ${nowDate()}
    WHERE id = ${id} AND value < ${tick}`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}
