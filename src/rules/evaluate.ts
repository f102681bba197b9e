/** The in-memory interpretation of a resolved filter; the SQL compiler must agree with it. */
import { unreachable } from "./ast.js";
import type { CompareType, Cond, Hop, PathTerm, Side, Start, Term, Visible } from "./ir.js";
import { readLeaf } from "./leaf-values.js";
import type { DataSource } from "./scope.js";
import { matchesWords } from "./search-words.js";
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

type Row = Record<string, unknown>;

interface Env {
  record: Row;
  data: DataSource;
  bindings: ReadonlyMap<number, Row | null>;
}

export function evaluateCond(cond: Cond, record: Row, data: DataSource): boolean {
  return evalCond(cond, { record, data, bindings: new Map() });
}

function evalCond(cond: Cond, env: Env): boolean {
  switch (cond.kind) {
    case "const":
      return cond.value;
    case "and":
      return evalCond(cond.left, env) && evalCond(cond.right, env);
    case "or":
      return evalCond(cond.left, env) || evalCond(cond.right, env);
    case "exists": {
      const bind = (row: Row | null) =>
        evalCond(cond.body, { ...env, bindings: new Map(env.bindings).set(cond.binding.id, row) });
      const visible = cond.binding.visible;
      const rows = [...env.data.all(cond.binding.collection)].filter((r) => isVisible(visible, r, env.data));
      return rows.length === 0 ? bind(null) : rows.some(bind);
    }
    case "compare": {
      const fix = (v: Scalar) => (cond.lower ? lowerAscii(String(v)) : v);
      return quantify(cond.left, cond.type, env, (a) =>
        quantify(cond.right, cond.type, env, (b) => compareScalars(cond.op, fix(a), fix(b), cond.type)),
      );
    }
    case "search":
      return matchesWords(
        cond.def.fields.map((f) => env.record[f]),
        cond.words,
      );
    case "like":
      return quantify(cond.value, "text", env, (value) =>
        quantifyPatterns(cond.pattern, env, (pattern) => likeMatch(String(value), pattern) !== cond.negate),
      );
    default:
      return unreachable(cond);
  }
}

function quantify(side: Side, type: CompareType, env: Env, test: (value: Scalar) => boolean): boolean {
  const values = termValues(side.term, type, env);
  return side.quantifier === "any" ? values.some(test) : values.every(test);
}

function quantifyPatterns(side: Side, env: Env, test: (pattern: string) => boolean): boolean {
  const values = termValues(side.term, "text", env).map((v) =>
    side.term.kind === "literal" ? likePatternFromLiteral(String(v)) : likePatternFromValue(String(v)),
  );
  return side.quantifier === "any" ? values.some(test) : values.every(test);
}

/** A term's values in the comparison type; an empty set counts as one empty value. */
export function termValues(term: Term, type: CompareType, env: Env): Scalar[] {
  switch (term.kind) {
    case "literal":
      return (term.values.length ? term.values : [null]).map((v) => coerceLiteral(v, type));
    case "path": {
      const raw = pathValues(term, env);
      return (raw.length ? raw : [undefined]).map((v) => coerceStored(v, term.type, type));
    }
    case "strftime": {
      const [input = ""] = termValues(term.value, "text", env);
      return [coerceStored(strftime(term.pieces, String(input), term.modifiers), "text", type)];
    }
    case "geoDistance": {
      const [lonA = 0, latA = 0, lonB = 0, latB = 0] = term.args.map((a) =>
        Number(termValues(a, "number", env)[0]),
      );
      return [coerceStored(haversineKm(lonA, latA, lonB, latB), "number", type)];
    }
    default:
      return unreachable(term);
  }
}

function pathValues(term: PathTerm, env: Env): unknown[] {
  let rows = startRows(term.start, env);
  for (const hop of term.hops) rows = rows.flatMap((row) => follow(hop, row, env.data));
  return rows.flatMap((row) => readLeaf(row, term.leaf));
}

function startRows(start: Start, env: Env): Row[] {
  switch (start.kind) {
    case "record":
      return [env.record];
    case "binding": {
      const row = env.bindings.get(start.id);
      return row ? [row] : [];
    }
    case "scan":
      return [...env.data.all(start.collection)].filter((r) => isVisible(start.visible, r, env.data));
    case "literalRow":
      return [start.row];
    default:
      return unreachable(start);
  }
}

function follow(hop: Hop, row: Row, data: DataSource): Row[] {
  if (hop.kind === "relation") {
    return idsOf(row[hop.field.name])
      .map((id) => data.getById(hop.target, id))
      .filter((r): r is Row => r !== undefined && isVisible(hop.visible, r, data));
  }
  const id = row.id;
  return [...data.all(hop.source)].filter(
    (r) => idsOf(r[hop.field.name]).includes(String(id)) && isVisible(hop.visible, r, data),
  );
}

/** Rows a client's filter may not see read as missing (visibility.ts); the condition is about `row`. */
function isVisible(visible: Visible, row: Row, data: DataSource): boolean {
  return visible === null || evaluateCond(visible, row, data);
}

function idsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === "string" && value !== "" ? [value] : [];
}

/** Same formula and operation order as the SQL fragments. */
export function haversineKm(lonA: number, latA: number, lonB: number, latB: number): number {
  const rad = (deg: number) => deg * (Math.PI / 180);
  const a =
    Math.sin(rad(latB - latA) / 2) ** 2 +
    Math.cos(rad(latA)) * Math.cos(rad(latB)) * Math.sin(rad(lonB - lonA) / 2) ** 2;
  return 12742.0 * Math.asin(Math.sqrt(Math.min(1.0, a)));
}
