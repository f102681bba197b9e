import type { DialectName } from "./sql-fragments.js";

/**
 * How a column's values travel in a backup, whatever the store: text and numbers as they are,
 * booleans as true/false (SQLite keeps 0/1), JSON as its text (SQLite's TEXT, PostgreSQL's
 * `jsonb::text`), so a backup of one store restores into the other.
 */
export type ColumnKind = "text" | "integer" | "number" | "bool" | "json";

export interface SnapshotColumn {
  name: string;
  kind: ColumnKind;
}

export interface SnapshotTable {
  name: string;
  columns: SnapshotColumn[];
}

/**
 * A consistent, read-only view of a whole store taken on a connection of its own: what every read
 * through it sees is the state at one moment, while the server goes on writing. Close it to let go.
 */
export interface StoreSnapshot {
  readonly dialect: DialectName;
  /** The base tables of the store's schema (no views), columns in table order. */
  tables(): Promise<SnapshotTable[]>;
  /** The table's rows in batches, each row an array in `columns`' order, values store-neutral. */
  rows(table: string, columns: readonly SnapshotColumn[]): AsyncIterable<unknown[][]>;
  close(): Promise<void>;
}

/** A declared column type (SQLite's declaration, PostgreSQL's data_type or DDL text) → its kind. */
export function kindOfColumnType(declared: string): ColumnKind {
  const t = declared.toUpperCase();
  if (t.includes("BOOL")) return "bool";
  if (t.includes("JSON")) return "json";
  if (t.includes("INT") || t.includes("SERIAL")) return "integer";
  if (/REAL|DOUBLE|FLOAT|NUMERIC|DECIMAL/.test(t)) return "number";
  return "text";
}

/** Rows per batch a snapshot hands out. */
export const SNAPSHOT_BATCH = 1000;
