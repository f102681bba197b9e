/** SQL for field paths: correlated subqueries over relation hops, never joins on the outer query. */
import { sql } from "kysely";
import type { Collection, Field } from "../collections/model.js";
import type { Sql, SqlFragments } from "../store/sql-fragments.js";
import { invalidFilter } from "./errors.js";
import type { CompareType, Hop, Leaf, PathTerm, Visible } from "./ir.js";
import { allOf, type BoolSql, toSql } from "./sql-bool.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface SqlContext {
  readonly frags: SqlFragments;
  /** Alias of the filtered table in the outer query. */
  readonly alias: string;
  /** Alias of each shared @collection row in scope; null while compiling the "no rows" case. */
  readonly bindings: ReadonlyMap<number, string | null>;
  nextAlias(prefix: string): string;
  /**
   * Whether the row aliased `alias` is one the filter may see (visibility.ts): the visibility
   * condition compiled over that row, inside the subquery that steps into it (no extra query).
   */
  visibleAt(visible: Visible, alias: string): BoolSql;
}

export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw invalidFilter(`"${name}" is not a valid identifier`);
  return name;
}

export function column(alias: string, field: Field | string): Sql {
  return sql.ref(`${identifier(alias)}.${identifier(typeof field === "string" ? field : field.name)}`);
}

function table(collection: Collection, alias: string): Sql {
  return sql`${sql.id(identifier(collection.name))} AS ${sql.id(alias)}`;
}

/** The rows a path walks over: FROM items and their correlation, and where the leaf is read. */
export interface PathQuery {
  from: Sql[];
  where: BoolSql[];
  /** The leaf's value in the comparison type. */
  value(type: CompareType): Sql;
}

/** The alias a path's start row has in the outer query, or undefined when it needs a FROM item. */
function startAlias(term: PathTerm, cx: SqlContext): string | undefined {
  if (term.start.kind === "record") return cx.alias;
  if (term.start.kind === "binding") return cx.bindings.get(term.start.id) ?? undefined;
  return undefined;
}

export function pathQuery(term: PathTerm, cx: SqlContext): PathQuery {
  const from: Sql[] = [];
  const where: BoolSql[] = [];
  const start = term.start;
  let row: string | Record<string, unknown>;
  if (start.kind === "scan") {
    row = cx.nextAlias("s");
    from.push(table(start.collection, row));
    where.push(cx.visibleAt(start.visible, row));
  } else if (start.kind === "literalRow") {
    row = start.row;
  } else {
    row = startAlias(term, cx) ?? "";
  }
  for (const hop of term.hops) {
    const next = cx.nextAlias("h");
    from.push(table(hop.kind === "relation" ? hop.target : hop.source, next));
    where.push(hopCondition(hop, row, next, cx.frags), cx.visibleAt(hop.visible, next));
    row = next;
  }
  if (typeof row !== "string") throw new Error("a path from a literal row needs at least one hop");
  const leafRow = row;
  if (term.leaf.kind === "items") {
    const item = cx.nextAlias("e");
    from.push(cx.frags.jsonArrayItems(column(leafRow, term.leaf.field), item));
    return {
      from,
      where,
      value: (type) => coerce(sql`COALESCE(${sql.ref(`${item}.value`)}, '')`, "text", type, cx.frags),
    };
  }
  const leaf = term.leaf;
  return { from, where, value: (type) => leafValue(leaf, leafRow, type, cx.frags) };
}

function hopCondition(
  hop: Hop,
  row: string | Record<string, unknown>,
  next: string,
  frags: SqlFragments,
): BoolSql {
  if (hop.kind === "relation") {
    const targetId = column(next, "id");
    if (typeof row !== "string") {
      const value = row[hop.field.name];
      const ids = (Array.isArray(value) ? value : [value]).filter((v) => typeof v === "string" && v !== "");
      return ids.length
        ? sql`${targetId} IN (${sql.join(ids.map((id) => frags.textParam(String(id))))})`
        : false;
    }
    const source = column(row, hop.field);
    return hop.multi ? frags.jsonArrayContains(source, targetId) : sql`${targetId} = ${source}`;
  }
  const rowId = typeof row === "string" ? column(row, "id") : frags.textParam(String(row.id ?? ""));
  const reference = column(next, hop.field);
  return hop.listField ? frags.jsonArrayContains(reference, rowId) : sql`${reference} = ${rowId}`;
}

function leafValue(
  leaf: Exclude<Leaf, { kind: "items" }>,
  row: string,
  type: CompareType,
  frags: SqlFragments,
): Sql {
  const value = column(row, leaf.field);
  switch (leaf.kind) {
    case "column":
      return coerce(value, leaf.type, type, frags);
    case "length":
      return coerce(frags.jsonArrayLength(value), "number", type, frags);
    case "geo":
      return coerce(frags.jsonNumber(value, [leaf.coord]), "number", type, frags);
    case "email": {
      const visible = sql`(${column(row, "emailVisibility")} = ${frags.boolParam(true)} OR ${column(row, "id")} = ${frags.textParam(leaf.viewerId)})`;
      return coerce(sql`(CASE WHEN ${visible} THEN ${value} ELSE '' END)`, "text", type, frags);
    }
    case "json":
      switch (type) {
        case "text":
          return frags.jsonText(value, leaf.path);
        case "number":
          return frags.jsonNumber(value, leaf.path);
        case "bool":
          return frags.jsonIsTrue(value, leaf.path);
        case "empty":
          return frags.jsonIsEmpty(value, leaf.path);
      }
  }
}

/** Typed column values meet the comparison type; the resolver only allows these conversions. */
function coerce(value: Sql, from: "text" | "number" | "bool", to: CompareType, frags: SqlFragments): Sql {
  if (from === to) return value;
  if (from === "bool" && to === "number") return frags.boolToNumber(value);
  throw new Error(`no conversion from ${from} to ${to}`);
}

/** A non-multi path as one value: the column itself, or a scalar subquery (empty → the zero value). */
export function scalarPath(term: PathTerm, type: CompareType, zero: Sql, cx: SqlContext): Sql {
  const query = pathQuery(term, cx);
  if (query.from.length === 0) return query.value(type);
  return sql`COALESCE((SELECT ${query.value(type)} FROM ${sql.join(query.from)} WHERE ${toSql(allOf(query.where), cx.frags)}), ${zero})`;
}

export function existsIn(query: PathQuery, condition: BoolSql, frags: SqlFragments): BoolSql {
  const where = allOf([...query.where, condition]);
  if (where === false) return false;
  return sql`EXISTS (SELECT 1 FROM ${sql.join(query.from)} WHERE ${toSql(where, frags)})`;
}
