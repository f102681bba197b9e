import { CompiledQuery, sql } from "kysely";
import { isSearchTable } from "./schema/search-index.js";
import { kindOfColumnType, type SnapshotColumn } from "./snapshot.js";
import type { DialectName } from "./sql-fragments.js";
import type { Db } from "./store.js";
import { insertRows } from "./write-statements.js";

/**
 * The dialect-specific statements a restore runs inside its one transaction: what the target has,
 * emptying a table, and bulk inserts of store-neutral values.
 */

/** Names of the base tables (not views) in the store's schema. */
export async function baseTables(tx: Db, dialect: DialectName): Promise<string[]> {
  const query =
    dialect === "postgres"
      ? sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
      : sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`;
  return (await query.execute(tx)).rows.map((r) => r.name).filter((name) => !isSearchTable(name));
}

/** A table's columns on this store, with their kinds. */
export async function tableColumns(tx: Db, dialect: DialectName, table: string): Promise<SnapshotColumn[]> {
  if (dialect === "postgres") {
    const result = await sql<{ name: string; type: string }>`SELECT column_name AS name, data_type AS type
      FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table}
        AND is_generated = 'NEVER'
      ORDER BY ordinal_position`.execute(tx);
    return result.rows.map((c) => ({ name: c.name, kind: kindOfColumnType(c.type) }));
  }
  const result = await tx.executeQuery<{ name: string; type: string }>(
    CompiledQuery.raw(`PRAGMA table_info("${table.replaceAll('"', '""')}")`),
  );
  return result.rows.map((c) => ({ name: c.name, kind: kindOfColumnType(c.type) }));
}

/** Deletes every row of a table, or those whose `id` is not among `keep`. */
export async function emptyTable(tx: Db, table: string, keep: { column: string; values: string[] } | null) {
  const ref = sql.ref(table);
  if (!keep || keep.values.length === 0) {
    await sql`DELETE FROM ${ref}`.execute(tx);
    return;
  }
  await sql`DELETE FROM ${ref} WHERE ${sql.ref(keep.column)} NOT IN (${sql.join(keep.values)})`.execute(tx);
}

/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMS = 30_000;

/**
 * Inserts rows of store-neutral values (see ColumnKind) into a table of this store: booleans
 * become 0/1 on SQLite, JSON text goes into jsonb as it is. Many rows per statement.
 */
export async function insertNeutralRows(
  tx: Db,
  dialect: DialectName,
  table: string,
  columns: readonly SnapshotColumn[],
  rows: unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  if (dialect === "sqlite") {
    const bools = columns.flatMap((c, i) => (c.kind === "bool" ? [i] : []));
    if (bools.length > 0)
      for (const row of rows) for (const i of bools) if (row[i] !== null) row[i] = row[i] ? 1 : 0;
  }
  const names = columns.map((c) => c.name);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, names.length)));
  for (let at = 0; at < rows.length; at += perStatement)
    await insertRows(tx, dialect, table, names, rows.slice(at, at + perStatement));
}
