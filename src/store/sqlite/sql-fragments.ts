import { sql } from "kysely";
import type { SearchWord } from "../../collections/search-types.js";
import { searchObjectName } from "../schema/search-index.js";
import type { DateModifier, JsonPath, Sql, SqlFragments, StrftimePiece } from "../sql-fragments.js";

/** `$."key"[0]` — keys are quoted so any key text is taken literally. */
function jsonPath(path: JsonPath): string {
  return `$${path.map((p) => (typeof p === "number" ? `[${p}]` : `."${p.replace(/"/g, '\\"')}"`)).join("")}`;
}

const D4 = "[0-9][0-9][0-9][0-9]";
const D2 = "[0-9][0-9]";
const DATE = `${D4}-${D2}-${D2}`;
// The date shapes strftime accepts elsewhere (see DATE_INPUT in rules/strftime.ts); SQLite itself
// also reads julian day numbers and 'now', which the other dialects do not, so those are fenced off.
const TIMES = [
  "",
  `[ T]${D2}:${D2}`,
  `[ T]${D2}:${D2}:${D2}`,
  ...["", "[0-9]", "[0-9][0-9]"].map((f) => `[ T]${D2}:${D2}:${D2}.[0-9]${f}`),
];
const DATE_GLOBS = TIMES.flatMap((time) => [`${DATE}${time}`, `${DATE}${time}Z`]);

function modifierText(modifier: DateModifier): string {
  if (modifier.kind === "startOf") return `start of ${modifier.unit}`;
  return `${modifier.amount >= 0 ? "+" : ""}${modifier.amount} ${modifier.unit}s`;
}

function formatText(pieces: readonly StrftimePiece[]): string {
  return pieces.map((p) => (p.kind === "text" ? p.text.replace(/%/g, "%%") : `%${p.directive}`)).join("");
}

export const sqliteFragments: SqlFragments = {
  dialect: "sqlite",
  bool: (value) => (value ? sql`TRUE` : sql`FALSE`),
  textParam: (value) => sql`${value}`,
  numberParam: (value) => sql`${value}`,
  boolParam: (value) => sql`${value ? 1 : 0}`,
  boolToNumber: (expr) => expr,
  byteOrder: (expr) => expr,
  lowerAscii: (expr) => sql`lower(${expr})`,
  like: (value, pattern) => sql`(${value} LIKE ${pattern} ESCAPE '\\')`,
  jsonArrayItems: (array, alias) => sql`json_each(${array}) AS ${sql.id(alias)}`,
  jsonArrayLength: (array) => sql`json_array_length(${array})`,
  jsonArrayContains: (array, value) => sql`EXISTS (SELECT 1 FROM json_each(${array}) WHERE value = ${value})`,
  jsonText: (doc, path) =>
    sql`(CASE WHEN json_type(${doc}, ${jsonPath(path)}) = 'text' THEN json_extract(${doc}, ${jsonPath(path)}) ELSE '' END)`,
  jsonNumber: (doc, path) =>
    sql`(CASE WHEN json_type(${doc}, ${jsonPath(path)}) IN ('integer', 'real') THEN json_extract(${doc}, ${jsonPath(path)}) ELSE 0 END)`,
  jsonIsTrue: (doc, path) => sql`(COALESCE(json_type(${doc}, ${jsonPath(path)}), '') = 'true')`,
  jsonIsEmpty: (doc, path) =>
    sql`(COALESCE(json_type(${doc}, ${jsonPath(path)}), 'null') = 'null' OR (json_type(${doc}, ${jsonPath(path)}) = 'text' AND json_extract(${doc}, ${jsonPath(path)}) = ''))`,
  jsonSortKey: (doc, path) => sql`json_extract(${doc}, ${jsonPath(path)})`,
  random: () => sql`random()`,
  insertionOrder: (tableAlias) => [sql.ref(`${tableAlias}._rowid_`)],
  strftime: (pieces, value, modifiers) => {
    const shape = sql.join(
      DATE_GLOBS.map((glob) => sql`${value} GLOB ${glob}`),
      sql` OR `,
    );
    // SQLite reads hour 24 without rolling the date over; the other dialects refuse it.
    const isDate = sql`(${shape}) AND (length(${value}) <= 11 OR substr(${value}, 12, 2) <= '23')`;
    // SQLite keeps the parsed year/month/day (Feb 30 stays "month 2") until a modifier forces a
    // julian-day round trip; '+0 days' first makes "start of …" act on the rolled-over date, as
    // PostgreSQL and the evaluator do.
    const normalize = modifiers.length > 0 ? [sql`${"+0 days"}`] : [];
    const args = [
      sql`${formatText(pieces)}`,
      value,
      ...normalize,
      ...modifiers.map((m) => sql`${modifierText(m)}`),
    ];
    return sql`(CASE WHEN ${isDate} THEN COALESCE(strftime(${sql.join(args)}), '') ELSE '' END)`;
  },
  geoDistance: (lonA, latA, lonB, latB) =>
    sql`(12742.0 * asin(sqrt(min(1.0, pow(sin(radians(${latB} - ${latA}) / 2), 2) + cos(radians(${latA})) * cos(radians(${latB})) * pow(sin(radians(${lonB} - ${lonA}) / 2), 2)))))`,
  searchMatch: (tableAlias, def, words) => {
    const fts = sql.table(searchObjectName(def.table));
    return sql`(${sql.ref(`${tableAlias}.rowid`)} IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${ftsQuery(words)}))`;
  },
  // bm25 is lower for better matches and needs an FTS5 query of its own. `LIMIT -1` keeps SQLite
  // from pushing the outer row's rowid into that query (one full MATCH per row: 20 s for 10,000
  // matches); so it runs once, into a table with an automatic index on rowid (60 ms).
  searchRank: (tableAlias, def, words) => {
    const fts = sql.table(searchObjectName(def.table));
    return sql`(SELECT s.rank FROM (SELECT rowid AS id, -bm25(${fts}) AS rank FROM ${fts} WHERE ${fts} MATCH ${ftsQuery(words)} LIMIT -1) AS s WHERE s.id = ${sql.ref(`${tableAlias}.rowid`)})`;
  },
} satisfies SqlFragments;

/** Every word as an FTS5 string (AND between them); words hold no quotes, so nothing else is syntax. */
function ftsQuery(words: readonly SearchWord[]): string {
  return words.map((w) => `"${w.text}"${w.prefix ? "*" : ""}`).join(" ");
}

export type { Sql };
