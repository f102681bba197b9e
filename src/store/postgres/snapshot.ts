import pg from "pg";
import {
  kindOfColumnType,
  SNAPSHOT_BATCH,
  type SnapshotColumn,
  type SnapshotTable,
  type StoreSnapshot,
} from "../snapshot.js";
import type { StoreConfig } from "../store.js";

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

// Values as the server's pool reads them (int8 and numeric as numbers), on this connection alone.
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * A snapshot of Backroom's PostgreSQL schema: a dedicated connection in one REPEATABLE READ READ
 * ONLY transaction, so every table is read as of the same moment while other connections write.
 * Rows stream through a cursor; no `pg_dump` (whose version must match the server's) is needed.
 */
export async function openPostgresSnapshot(
  config: Extract<StoreConfig, { kind: "postgres" }>,
): Promise<StoreSnapshot> {
  const client = new pg.Client({
    connectionString: config.url,
    connectionTimeoutMillis: 5000,
    types,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  await client.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    // The first statement fixes the snapshot.
    await client.query("SELECT 1");
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  let cursors = 0;
  return {
    dialect: "postgres",
    async tables(): Promise<SnapshotTable[]> {
      const result = await client.query<{ table_name: string; column_name: string; data_type: string }>(
        `SELECT c.table_name, c.column_name, c.data_type
           FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            AND c.is_generated = 'NEVER'
          ORDER BY c.table_name, c.ordinal_position`,
      );
      const tables = new Map<string, SnapshotColumn[]>();
      for (const row of result.rows) {
        const columns = tables.get(row.table_name) ?? [];
        columns.push({ name: row.column_name, kind: kindOfColumnType(row.data_type) });
        tables.set(row.table_name, columns);
      }
      return [...tables].map(([name, columns]) => ({ name, columns }));
    },
    async *rows(table: string, columns: readonly SnapshotColumn[]): AsyncIterable<unknown[][]> {
      const list = columns
        .map((c) => (c.kind === "json" ? `${quote(c.name)}::text` : quote(c.name)))
        .join(", ");
      const cursor = `backup_rows_${++cursors}`;
      await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${list} FROM ${quote(table)}`);
      try {
        for (;;) {
          const page = await client.query<unknown[]>({
            text: `FETCH ${SNAPSHOT_BATCH} FROM ${cursor}`,
            rowMode: "array",
          });
          if (page.rows.length > 0) yield page.rows;
          if (page.rows.length < SNAPSHOT_BATCH) break;
        }
      } finally {
        await client.query(`CLOSE ${cursor}`).catch(() => {});
      }
    },
    async close(): Promise<void> {
      await client.query("COMMIT").catch(() => {});
      await client.end();
    },
  };
}
