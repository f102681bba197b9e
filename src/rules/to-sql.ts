/** Compiles a resolved filter to one parameterized boolean SQL expression (mirrors evaluate.ts). */
import { sql } from "kysely";
import type { Sql, SqlFragments } from "../store/sql-fragments.js";
import { unreachable } from "./ast.js";
import { haversineKm } from "./evaluate.js";
import type { BaseOp, CompareType, Cond, Side, Term, Visible } from "./ir.js";
import { allOf, and, anyOf, type BoolSql, not, or } from "./sql-bool.js";
import { existsIn, identifier, pathQuery, type SqlContext, scalarPath } from "./sql-path.js";
import { strftime } from "./strftime.js";
import {
  coerceLiteral,
  coerceStored,
  compareScalars,
  likeMatch,
  likePatternFromLiteral,
  likePatternFromValue,
  lowerAscii,
  type Scalar,
} from "./values.js";

/** A value in the comparison type: known now, or computed by the database. */
type Value = { lit: Scalar } | { sql: Sql };

const SQL_OPS: Record<BaseOp, string> = { "=": "=", "!=": "<>", ">": ">", ">=": ">=", "<": "<", "<=": "<=" };

export function newSqlContext(frags: SqlFragments, alias: string): SqlContext {
  let counter = 0;
  const nextAlias = (prefix: string) => `_${prefix}${++counter}`;
  const cx: SqlContext = {
    frags,
    alias,
    bindings: new Map(),
    nextAlias,
    // A visibility condition is a filter of its own over the stepped-into row: its paths start
    // there and its @collection rows are its own; aliases stay unique across the whole statement.
    visibleAt: (visible: Visible, row: string) =>
      visible === null ? true : condToSql(visible, { ...cx, alias: row, bindings: new Map() }),
  };
  return cx;
}

export function condToSql(cond: Cond, cx: SqlContext): BoolSql {
  switch (cond.kind) {
    case "const":
      return cond.value;
    case "and":
      return and(condToSql(cond.left, cx), condToSql(cond.right, cx));
    case "or":
      return or(condToSql(cond.left, cx), condToSql(cond.right, cx));
    case "exists": {
      const alias = cx.nextAlias("b");
      const within = (bound: string | null) =>
        condToSql(cond.body, { ...cx, bindings: new Map(cx.bindings).set(cond.binding.id, bound) });
      const target = sql.id(identifier(cond.binding.collection.name));
      const someRow = and(cx.visibleAt(cond.binding.visible, alias), within(alias));
      const withRow: BoolSql =
        someRow === false
          ? false
          : sql`EXISTS (SELECT 1 FROM ${target} AS ${sql.id(alias)} WHERE ${toSqlValue(someRow, cx)})`;
      return or(withRow, and(noVisibleRow(cond.binding.visible, target, cx), within(null)));
    }
    case "compare": {
      const fix = (v: Value): Value =>
        !cond.lower
          ? v
          : "lit" in v
            ? { lit: lowerAscii(String(v.lit)) }
            : { sql: cx.frags.lowerAscii(v.sql) };
      return quantify(cond.left, cond.type, cx, (a) =>
        quantify(cond.right, cond.type, cx, (b) => predicate(cond.op, cond.type, fix(a), fix(b), cx.frags)),
      );
    }
    case "search":
      return cx.frags.searchMatch(cx.alias, cond.def, cond.words);
    case "like":
      return quantify(cond.value, "text", cx, (value) =>
        quantify(cond.pattern, "text", cx, (text) => {
          const pattern = asPattern(text, cond.pattern.term, cx.frags);
          const match =
            "lit" in value && "lit" in pattern
              ? likeMatch(String(value.lit), String(pattern.lit))
              : cx.frags.like(param(value, "text", cx.frags), param(pattern, "text", cx.frags));
          return cond.negate ? not(match) : match;
        }),
      );
    default:
      return unreachable(cond);
  }
}

/** `@collection.x` has no row the filter may see: then it reads as one empty row. */
function noVisibleRow(visible: Visible, target: Sql, cx: SqlContext): BoolSql {
  if (visible === null) return sql`NOT EXISTS (SELECT 1 FROM ${target})`;
  const alias = cx.nextAlias("b");
  const some = cx.visibleAt(visible, alias);
  if (some === false) return true;
  return sql`NOT EXISTS (SELECT 1 FROM ${target} AS ${sql.id(alias)} WHERE ${toSqlValue(some, cx)})`;
}

function toSqlValue(value: BoolSql, cx: SqlContext): Sql {
  return typeof value === "boolean" ? cx.frags.bool(value) : value;
}

function asPattern(value: Value, term: Term, frags: SqlFragments): Value {
  if ("lit" in value) {
    const text = String(value.lit);
    return { lit: term.kind === "literal" ? likePatternFromLiteral(text) : likePatternFromValue(text) };
  }
  const text = frags.lowerAscii(value.sql);
  return {
    sql: sql`('%' || replace(replace(replace(${text}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')`,
  };
}

function predicate(op: BaseOp, type: CompareType, a: Value, b: Value, frags: SqlFragments): BoolSql {
  if ("lit" in a && "lit" in b) return compareScalars(op, a.lit, b.lit, type);
  const right = param(b, type, frags);
  return sql`(${param(a, type, frags)} ${sql.raw(SQL_OPS[op])} ${type === "text" ? frags.byteOrder(right) : right})`;
}

function param(value: Value, type: CompareType, frags: SqlFragments): Sql {
  if ("sql" in value) return value.sql;
  if (type === "text") return frags.textParam(String(value.lit));
  if (type === "number") return frags.numberParam(Number(value.lit));
  return frags.boolParam(value.lit === true);
}

/** Applies `test` to each value of a side: every value ("all") or at least one ("any"); empty = one empty value. */
function quantify(side: Side, type: CompareType, cx: SqlContext, test: (value: Value) => BoolSql): BoolSql {
  const term = side.term;
  if (term.kind === "literal") {
    const results = (term.values.length ? term.values : [null]).map((v) =>
      test({ lit: coerceLiteral(v, type) }),
    );
    return side.quantifier === "any" ? anyOf(results) : allOf(results);
  }
  if (term.kind !== "path" || !term.multi) return test(scalarValue(term, type, cx));
  const zero = test({ lit: coerceStored(undefined, term.type, type) });
  if (term.start.kind === "binding" && cx.bindings.get(term.start.id) === null) return zero;
  const query = pathQuery(term, cx);
  const hasItems = existsIn(query, true, cx.frags);
  if (side.quantifier === "any")
    return or(existsIn(query, test({ sql: query.value(type) }), cx.frags), and(not(hasItems), zero));
  return and(not(existsIn(query, not(test({ sql: query.value(type) })), cx.frags)), or(hasItems, zero));
}

function scalarValue(term: Term, type: CompareType, cx: SqlContext): Value {
  switch (term.kind) {
    case "literal":
      return { lit: coerceLiteral(term.values[0] ?? null, type) };
    case "path": {
      const zero = coerceStored(undefined, term.type, type);
      if (term.start.kind === "binding" && cx.bindings.get(term.start.id) === null) return { lit: zero };
      return { sql: scalarPath(term, type, param({ lit: zero }, type, cx.frags), cx) };
    }
    case "strftime": {
      const input = scalarValue(term.value, "text", cx);
      if ("lit" in input)
        return { lit: coerceStored(strftime(term.pieces, String(input.lit), term.modifiers), "text", type) };
      return { sql: cx.frags.strftime(term.pieces, input.sql, term.modifiers) };
    }
    case "geoDistance": {
      const args = term.args.map((a) => scalarValue(a, "number", cx));
      if (args.every((a) => "lit" in a)) {
        const [lonA = 0, latA = 0, lonB = 0, latB = 0] = args.map((a) => Number("lit" in a ? a.lit : 0));
        return { lit: coerceStored(haversineKm(lonA, latA, lonB, latB), "number", type) };
      }
      const [lonA, latA, lonB, latB] = args.map((a) => param(a, "number", cx.frags)) as [Sql, Sql, Sql, Sql];
      return { sql: cx.frags.geoDistance(lonA, latA, lonB, latB) };
    }
    default:
      return unreachable(term);
  }
}
