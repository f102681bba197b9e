import type { RawBuilder } from "kysely";
import type { SearchDefinition, SearchWord } from "../collections/search-types.js";

export type DialectName = "sqlite" | "postgres";

export type Sql = RawBuilder<unknown>;

/** A key path inside a JSON value: object keys, or array indexes as numbers. */
export type JsonPath = readonly (string | number)[];

export type StrftimeDirective = "Y" | "m" | "d" | "H" | "M" | "S" | "f" | "j" | "W" | "w" | "s";
export type StrftimePiece =
  | { kind: "text"; text: string }
  | { kind: "directive"; directive: StrftimeDirective };
export type DateModifier =
  | { kind: "add"; amount: number; unit: "day" | "hour" | "minute" | "second" }
  | { kind: "startOf"; unit: "day" | "month" | "year" };

/**
 * The dialect-specific SQL pieces that code above the store needs (the rule compiler, sorting).
 * Each dialect implements this in `store/<dialect>/sql-fragments.ts`; nothing outside `store/`
 * spells a dialect's functions itself. Every value is a bound parameter; every boolean expression
 * returned here is never NULL.
 */
export interface SqlFragments {
  readonly dialect: DialectName;

  /** The constant TRUE / FALSE. */
  bool(value: boolean): Sql;
  /** Bound parameters typed like text / number / bool columns. */
  textParam(value: string): Sql;
  numberParam(value: number): Sql;
  boolParam(value: boolean): Sql;
  /** A bool column (or bool expression) as the number 0 / 1. */
  boolToNumber(expr: Sql): Sql;

  /** Makes a text comparison use byte order (PostgreSQL `COLLATE "C"`; SQLite's default already is). */
  byteOrder(expr: Sql): Sql;
  /** Lower-cases A–Z only, whatever the database locale. */
  lowerAscii(expr: Sql): Sql;
  /** `value LIKE pattern ESCAPE '\'`, case-insensitive for A–Z only; `pattern` is already lower-case. */
  like(value: Sql, pattern: Sql): Sql;

  /** A FROM item iterating a JSON array column; each element's text is `"alias".value`. */
  jsonArrayItems(array: Sql, alias: string): Sql;
  jsonArrayLength(array: Sql): Sql;
  /** true when the JSON array `array` holds the string `value`. */
  jsonArrayContains(array: Sql, value: Sql): Sql;
  /** The JSON value at `path` of `doc` when it is a string, else ''. */
  jsonText(doc: Sql, path: JsonPath): Sql;
  /** The JSON value at `path` when it is a number, else 0. */
  jsonNumber(doc: Sql, path: JsonPath): Sql;
  /** true when the JSON value at `path` is `true`. */
  jsonIsTrue(doc: Sql, path: JsonPath): Sql;
  /** true when `doc` is NULL or the value at `path` is missing, JSON null or "". */
  jsonIsEmpty(doc: Sql, path: JsonPath): Sql;
  /** The raw JSON value at `path`, for ORDER BY only. */
  jsonSortKey(doc: Sql, path: JsonPath): Sql;

  random(): Sql;
  /**
   * Insertion order, for the `@rowid` sort key, as ORDER BY expressions over `tableAlias`. SQLite:
   * the table's rowid. PostgreSQL tables have no such column, so the record's `created` (when the
   * table has a `created` column set on insert) then its `id`.
   */
  insertionOrder(tableAlias: string, hasCreated: boolean): Sql[];
  /** SQLite's strftime over `YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]][Z]` text; '' when `value` is not such a date. */
  strftime(pieces: readonly StrftimePiece[], value: Sql, modifiers: readonly DateModifier[]): Sql;
  /** Haversine distance in km between two lon/lat points (earth radius 6371 km). */
  geoDistance(lonA: Sql, latA: Sql, lonB: Sql, latB: Sql): Sql;

  /** true when the row aliased `tableAlias` has every word in its search index (`schema/search-index.ts`). */
  searchMatch(tableAlias: string, def: SearchDefinition, words: readonly SearchWord[]): Sql;
  /** How well the row matches the words: higher is better (only meaningful for matching rows). */
  searchRank(tableAlias: string, def: SearchDefinition, words: readonly SearchWord[]): Sql;
}
