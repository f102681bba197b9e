import { type CompiledQuery, sql } from "kysely";
import type { DialectName } from "./sql-fragments.js";
import type { Db } from "./store.js";
import { systemTables } from "./system-tables.js";

/**
 * Version stamps kept as `_params` rows (the catalogue's, the settings'): each change of what they
 * stamp writes a new value in its own transaction, so every node can tell, with one single-row
 * read, whether what it has loaded is still what is committed.
 */

/** The query reading the given stamps (`id`, `value` per row; a stamp never written has no row). */
export function paramVersionsQuery(
  db: Db,
  ids: readonly string[],
): CompiledQuery<{ id: string; value: string }> {
  return systemTables(db)
    .selectFrom("_params")
    .select(["id", "value"])
    .where("id", "in", ids)
    .compile() as CompiledQuery<{
    id: string;
    value: string;
  }>;
}

/** Rows of {@link paramVersionsQuery} as a map (absent stamps read as ""). */
export function versionsFromRows(
  ids: readonly string[],
  rows: readonly Record<string, unknown>[],
): Map<string, string> {
  const out = new Map<string, string>(ids.map((id) => [id, ""]));
  for (const row of rows) out.set(String(row.id), String(row.value));
  return out;
}

/**
 * Reads one stamp inside a write transaction and holds it until the transaction ends: on
 * PostgreSQL `share` lets writes run side by side while a change of the stamp (which takes
 * `update` first thing) waits for them, and they for it; SQLite's write transactions already take
 * turns, so a plain read holds as well.
 */
export async function readParamVersionHeld(
  tx: Db,
  dialect: DialectName,
  id: string,
  mode: "share" | "update",
): Promise<string> {
  const key = `${dialect}|${id}|${mode}`;
  let query = heldReads.get(key);
  if (!query) {
    const lock = dialect === "postgres" ? (mode === "share" ? sql` FOR SHARE` : sql` FOR UPDATE`) : sql``;
    // The id written into the text (our own constant, quoted as a literal), not bound: a statement
    // without parameters is what PostgreSQL can take in one message with the transaction's BEGIN
    // (postgres/deferred-begin.ts), and this is the first statement of every write.
    query = sql`SELECT value FROM _params WHERE id = ${sql.lit(id)}${lock}`.compile(tx);
    heldReads.set(key, query);
  }
  const rows = await tx.executeQuery<{ value: string }>(query);
  return rows.rows[0]?.value ?? "";
}

/** The compiled reads above, built once each: every write runs one (a few stamps, two modes). */
const heldReads = new Map<string, CompiledQuery>();

/** Writes a new value of a stamp, inside the transaction that makes the change it stamps. */
export async function bumpParamVersion(tx: Db, id: string, version: string): Promise<void> {
  const updated =
    await sql`UPDATE _params SET value = ${version}, updated = ${version} WHERE id = ${id}`.execute(tx);
  if (Number(updated.numAffectedRows ?? 0) === 0) {
    await sql`INSERT INTO _params (id, value, updated) VALUES (${id}, ${version}, ${version})`.execute(tx);
  }
}
