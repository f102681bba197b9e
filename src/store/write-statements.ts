import { CompiledQuery } from "kysely";
import type { DialectName } from "./sql-fragments.js";
import type { Db } from "./store.js";

/**
 * INSERT and UPDATE-by-id as cached SQL text per (dialect, table, columns): the write path runs the
 * same few statement shapes over and over, and building them through the query builder on every
 * request costs more than the SQLite statement itself. Values go as parameters, never into the text.
 */
const texts = new Map<string, string>();
const MAX_TEXTS = 2_000;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function placeholder(dialect: DialectName, i: number): string {
  return dialect === "postgres" ? `$${i + 1}` : "?";
}

function cachedText(key: string, build: () => string): string {
  let text = texts.get(key);
  if (text === undefined) {
    text = build();
    if (texts.size >= MAX_TEXTS) texts.clear();
    texts.set(key, text);
  }
  return text;
}

/**
 * Inserts one row (column names from the row's own keys). With `returning`, the statement also
 * reads those columns of the stored row back (`RETURNING`, on both stores): the row as written,
 * without a second statement (on PostgreSQL, a round trip fewer).
 */
export async function insertRow(
  db: Db,
  dialect: DialectName,
  table: string,
  row: Record<string, unknown>,
  returning?: readonly string[],
): Promise<Record<string, unknown> | undefined> {
  const columns = Object.keys(row);
  const back = returning ? returningClause(returning) : "";
  const text = cachedText(`i|${dialect}|${table}|${columns.join("\u0000")}|${back}`, () => {
    const values = columns.map((_, i) => placeholder(dialect, i)).join(", ");
    return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${values})${back}`;
  });
  const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, Object.values(row)));
  return result.rows[0];
}

/** ` RETURNING "a", "b"`: names from validated collection schemas, quoted all the same. */
function returningClause(columns: readonly string[]): string {
  return ` RETURNING ${columns.map(quote).join(", ")}`;
}

/**
 * Inserts rows into several tables as one unit of work: on PostgreSQL one statement (each INSERT
 * but the last in a WITH clause, where data-modifying statements all run), so a write's audit
 * entry and outbox event cost one round trip instead of two; on SQLite, whose statements cost no
 * round trip, one INSERT after another.
 */
export async function insertRowsTogether(
  db: Db,
  dialect: DialectName,
  inserts: readonly { table: string; row: Record<string, unknown> }[],
): Promise<void> {
  if (dialect !== "postgres" || inserts.length < 2) {
    for (const { table, row } of inserts) await insertRow(db, dialect, table, row);
    return;
  }
  const shapes = inserts.map(({ table, row }) => `${table}|${Object.keys(row).join("\u0000")}`);
  const text = cachedText(`t|${shapes.join("\u0001")}`, () => {
    let n = 0;
    const statements = inserts.map(({ table, row }) => {
      const columns = Object.keys(row);
      const values = columns.map(() => placeholder(dialect, n++)).join(", ");
      return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${values})`;
    });
    const last = statements.pop() as string;
    return `WITH ${statements.map((st, i) => `w${i} AS (${st})`).join(", ")} ${last}`;
  });
  await db.executeQuery(
    CompiledQuery.raw(
      text,
      inserts.flatMap(({ row }) => Object.values(row)),
    ),
  );
}

/**
 * Sets the row's columns on the row with this id; with `returning`, reads those columns of the
 * updated row back in the same statement (undefined when no row has the id).
 */
export async function updateRowById(
  db: Db,
  dialect: DialectName,
  table: string,
  row: Record<string, unknown>,
  id: string,
  returning?: readonly string[],
): Promise<Record<string, unknown> | undefined> {
  const columns = Object.keys(row);
  const back = returning ? returningClause(returning) : "";
  const text = cachedText(`u|${dialect}|${table}|${columns.join("\u0000")}|${back}`, () => {
    const sets = columns.map((c, i) => `${quote(c)} = ${placeholder(dialect, i)}`).join(", ");
    return `UPDATE ${quote(table)} SET ${sets} WHERE "id" = ${placeholder(dialect, columns.length)}${back}`;
  });
  const result = await db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(text, [...Object.values(row), id]),
  );
  return result.rows[0];
}

/** Batch sizes whose statement texts are cached: any count is sent as a few of these. */
const BATCH_SIZES = [500, 100, 10, 1];

/**
 * Inserts many rows with few statements (batched writers such as the request log). Rows go in
 * chunks of the fixed sizes above, whose texts are cached, so a steady stream of batches builds
 * no query trees and keeps only four texts per table. With `skipDuplicates`, a row whose key is
 * already taken is left out instead of failing the whole statement. Resolves with the number of
 * rows stored.
 */
export async function insertRows(
  db: Db,
  dialect: DialectName,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: { skipDuplicates?: boolean } = {},
): Promise<number> {
  const onConflict = options.skipDuplicates ? " ON CONFLICT DO NOTHING" : "";
  let stored = 0;
  let at = 0;
  while (at < rows.length) {
    const size = BATCH_SIZES.find((n) => n <= rows.length - at) as number;
    const text = cachedText(`m|${dialect}|${table}|${columns.join("\u0000")}|${size}${onConflict}`, () => {
      let n = 0;
      const tuples = Array.from(
        { length: size },
        () => `(${columns.map(() => placeholder(dialect, n++)).join(", ")})`,
      );
      return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES ${tuples.join(", ")}${onConflict}`;
    });
    const result = await db.executeQuery(CompiledQuery.raw(text, rows.slice(at, at + size).flat()));
    stored += Number(result.numAffectedRows ?? size);
    at += size;
  }
  return stored;
}
