import Database from "better-sqlite3";
import { isSearchTable } from "../schema/search-index.js";
import {
  kindOfColumnType,
  SNAPSHOT_BATCH,
  type SnapshotColumn,
  type SnapshotTable,
  type StoreSnapshot,
} from "../snapshot.js";

/**
 * A snapshot of a SQLite file: a second, read-only connection holding one read transaction. In WAL
 * mode that reader sees the database as of its first read, and writers on other connections (the
 * server, the CLI) carry on meanwhile: the live file is never copied.
 */
/** Any name read from the file's own catalogue, quoted (tables Backroom did not create may have odd names). */
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function openSqliteSnapshot(file: string): StoreSnapshot {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 10000");
    db.exec("BEGIN");
    // The read that pins the snapshot: everything after sees the database as it is now.
    db.prepare("SELECT COUNT(*) FROM sqlite_master").get();
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    dialect: "sqlite",
    async tables(): Promise<SnapshotTable[]> {
      const names = db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )
        .pluck()
        .all() as string[];
      // Search indexes are derived from the rows; a restore builds them again.
      return names
        .filter((name) => !isSearchTable(name))
        .map((name) => ({
          name,
          columns: (
            db.prepare(`PRAGMA table_info(${quote(name)})`).all() as { name: string; type: string }[]
          ).map((c) => ({ name: c.name, kind: kindOfColumnType(c.type) })),
        }));
    },
    async *rows(table: string, columns: readonly SnapshotColumn[]): AsyncIterable<unknown[][]> {
      const list = columns.map((c) => quote(c.name)).join(", ");
      const stmt = db.prepare(`SELECT ${list} FROM ${quote(table)}`).raw(true);
      const bools = columns.flatMap((c, i) => (c.kind === "bool" ? [i] : []));
      let batch: unknown[][] = [];
      for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
        for (const i of bools) if (row[i] !== null) row[i] = row[i] !== 0;
        batch.push(row);
        if (batch.length === SNAPSHOT_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    async close(): Promise<void> {
      if (!db.open) return;
      if (db.inTransaction) db.exec("COMMIT");
      db.close();
    },
  };
}
