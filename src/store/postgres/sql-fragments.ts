import { sql } from "kysely";
import type { SearchDefinition, SearchWord } from "../../collections/search-types.js";
import { SEARCH_COLUMN } from "../schema/search-index.js";
import type { DateModifier, JsonPath, Sql, SqlFragments, StrftimePiece } from "../sql-fragments.js";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
// Same accepted forms as DATE_INPUT in rules/strftime.ts (groups: y, m, d, H, M, S[.fff]).
const DATE_INPUT =
  "^(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])(?:[ T]([01]\\d|2[0-3]):([0-5]\\d)(?::([0-5]\\d(?:\\.\\d{1,3})?))?)?Z?$";

const pathParam = (path: JsonPath) => sql`CAST(${path.map(String)} AS text[])`;
const at = (doc: Sql, path: JsonPath) => sql`(${doc} #> ${pathParam(path)})`;
const atText = (doc: Sql, path: JsonPath) => sql`(${doc} #>> ${pathParam(path)})`;

function directive(piece: StrftimePiece, t: Sql): Sql {
  if (piece.kind === "text") return sql`CAST(${piece.text} AS text)`;
  switch (piece.directive) {
    case "Y":
      return sql`to_char(${t}, 'YYYY')`;
    case "m":
      return sql`to_char(${t}, 'MM')`;
    case "d":
      return sql`to_char(${t}, 'DD')`;
    case "H":
      return sql`to_char(${t}, 'HH24')`;
    case "M":
      return sql`to_char(${t}, 'MI')`;
    case "S":
      return sql`to_char(${t}, 'SS')`;
    case "f":
      return sql`to_char(${t}, 'SS.MS')`;
    case "j":
      return sql`to_char(${t}, 'DDD')`;
    case "w":
      return sql`CAST(CAST(extract(dow FROM ${t}) AS int) AS text)`;
    case "W":
      // SQLite: (day of year (0-based) + 7 - weekday with Monday = 0) / 7
      return sql`lpad(CAST((CAST(extract(doy FROM ${t}) AS int) + 6 - (CAST(extract(dow FROM ${t}) AS int) + 6) % 7) / 7 AS text), 2, '0')`;
    case "s":
      return sql`CAST(CAST(floor(extract(epoch FROM ${t})) AS bigint) AS text)`;
  }
}

function applyModifier(t: Sql, modifier: DateModifier): Sql {
  if (modifier.kind === "startOf") return sql`date_trunc(${modifier.unit}, ${t})`;
  const n = sql`CAST(${modifier.amount} AS int)`;
  switch (modifier.unit) {
    case "day":
      return sql`(${t} + make_interval(days => ${n}))`;
    case "hour":
      return sql`(${t} + make_interval(hours => ${n}))`;
    case "minute":
      return sql`(${t} + make_interval(mins => ${n}))`;
    case "second":
      return sql`(${t} + make_interval(secs => ${n}))`;
  }
}

export const postgresFragments: SqlFragments = {
  dialect: "postgres",
  bool: (value) => (value ? sql`TRUE` : sql`FALSE`),
  textParam: (value) => sql`CAST(${value} AS text)`,
  numberParam: (value) => sql`CAST(${value} AS double precision)`,
  boolParam: (value) => sql`CAST(${value} AS boolean)`,
  boolToNumber: (expr) => sql`(CASE WHEN ${expr} THEN 1 ELSE 0 END)`,
  byteOrder: (expr) => sql`(${expr} COLLATE "C")`,
  lowerAscii: (expr) => sql`translate(${expr}, ${UPPER}, ${LOWER})`,
  like: (value, pattern) => sql`(translate(${value}, ${UPPER}, ${LOWER}) LIKE ${pattern} ESCAPE '\\')`,
  jsonArrayItems: (array, alias) => sql`jsonb_array_elements_text(${array}) AS ${sql.id(alias)}(value)`,
  jsonArrayLength: (array) => sql`jsonb_array_length(${array})`,
  jsonArrayContains: (array, value) => sql`(${array} ? ${value})`,
  jsonText: (doc, path) =>
    sql`(CASE WHEN jsonb_typeof(${at(doc, path)}) = 'string' THEN ${atText(doc, path)} ELSE '' END)`,
  jsonNumber: (doc, path) =>
    sql`(CASE WHEN jsonb_typeof(${at(doc, path)}) = 'number' THEN CAST(${atText(doc, path)} AS double precision) ELSE 0 END)`,
  jsonIsTrue: (doc, path) => sql`COALESCE(${at(doc, path)} = 'true'::jsonb, FALSE)`,
  jsonIsEmpty: (doc, path) =>
    sql`(COALESCE(jsonb_typeof(${at(doc, path)}), 'null') = 'null' OR COALESCE(${at(doc, path)} = '""'::jsonb, FALSE))`,
  jsonSortKey: (doc, path) => at(doc, path),
  random: () => sql`random()`,
  // No rowid here: `created` is the insertion time (ms), `id` breaks ties so the order is total.
  insertionOrder: (tableAlias, hasCreated) => [
    ...(hasCreated ? [sql`(${sql.ref(`${tableAlias}.created`)} COLLATE "C")`] : []),
    sql`(${sql.ref(`${tableAlias}.id`)} COLLATE "C")`,
  ],
  strftime: (pieces, value, modifiers) => {
    const m = (i: number) => sql.raw(`p.m[${i}]`);
    let t: Sql = sql`(make_timestamp(CAST(${m(1)} AS int), CAST(${m(2)} AS int), 1, 0, 0, 0) + make_interval(days => CAST(${m(3)} AS int) - 1, hours => CAST(COALESCE(${m(4)}, '0') AS int), mins => CAST(COALESCE(${m(5)}, '0') AS int)) + floor(CAST(COALESCE(${m(6)}, '0') AS numeric) * 1000 + 0.5) * interval '1 millisecond')`;
    for (const modifier of modifiers) t = applyModifier(t, modifier);
    const text = pieces.length
      ? sql.join(
          pieces.map((p) => directive(p, sql.raw("q.t"))),
          sql` || `,
        )
      : sql`''`;
    return sql`COALESCE((SELECT ${text} FROM (SELECT ${t} AS t FROM (SELECT regexp_match(${value}, ${DATE_INPUT}) AS m) p WHERE p.m IS NOT NULL) q), '')`;
  },
  geoDistance: (lonA, latA, lonB, latB) =>
    sql`(12742.0 * asin(sqrt(LEAST(1.0, power(sin(radians(${latB} - ${latA}) / 2), 2) + cos(radians(${latA})) * cos(radians(${latB})) * power(sin(radians(${lonB} - ${lonA}) / 2), 2)))))`,
  searchMatch: (tableAlias, def, words) =>
    sql`(${sql.ref(`${tableAlias}.${SEARCH_COLUMN}`)} @@ ${tsQuery(def, words)})`,
  searchRank: (tableAlias, def, words) =>
    sql`ts_rank(${sql.ref(`${tableAlias}.${SEARCH_COLUMN}`)}, ${tsQuery(def, words)})`,
} satisfies SqlFragments;

/** Every word as a quoted lexeme (AND between them); words hold no quotes, so nothing else is syntax. */
function tsQuery(def: SearchDefinition, words: readonly SearchWord[]): Sql {
  const text = words.map((w) => `'${w.text}'${w.prefix ? ":*" : ""}`).join(" & ");
  return sql`to_tsquery(${sql.lit(def.language)}::regconfig, ${text})`;
}
