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

/** Inserts one row (column names from the row's own keys). */
export async function insertRow(db: Db, dialect: DialectName, table: string, row: Record<string, unknown>) {
  const columns = Object.keys(row);
  const text = cachedText(`i|${dialect}|${table}|${columns.join("\u0000")}`, () => {
    const values = columns.map((_, i) => placeholder(dialect, i)).join(", ");
    return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${values})`;
  });
  await db.executeQuery(CompiledQuery.raw(text, Object.values(row)));
}

/** Sets the row's columns on the row with this id. */
export async function updateRowById(
  db: Db,
  dialect: DialectName,
  table: string,
  row: Record<string, unknown>,
  id: string,
) {
  const columns = Object.keys(row);
  const text = cachedText(`u|${dialect}|${table}|${columns.join("\u0000")}`, () => {
    const sets = columns.map((c, i) => `${quote(c)} = ${placeholder(dialect, i)}`).join(", ");
    return `UPDATE ${quote(table)} SET ${sets} WHERE "id" = ${placeholder(dialect, columns.length)}`;
  });
  await db.executeQuery(CompiledQuery.raw(text, [...Object.values(row), id]));
}
