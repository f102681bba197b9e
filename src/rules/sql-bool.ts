import { sql } from "kysely";
import type { Sql, SqlFragments } from "../store/sql-fragments.js";

/** A boolean SQL expression, or a constant known at compile time (folded away where possible). */
export type BoolSql = boolean | Sql;

export function and(a: BoolSql, b: BoolSql): BoolSql {
  if (a === false || b === false) return false;
  if (a === true) return b;
  if (b === true) return a;
  return sql`(${a} AND ${b})`;
}

export function or(a: BoolSql, b: BoolSql): BoolSql {
  if (a === true || b === true) return true;
  if (a === false) return b;
  if (b === false) return a;
  return sql`(${a} OR ${b})`;
}

export function not(a: BoolSql): BoolSql {
  return typeof a === "boolean" ? !a : sql`(NOT ${a})`;
}

export function allOf(items: readonly BoolSql[]): BoolSql {
  return items.reduce<BoolSql>((acc, item) => and(acc, item), true);
}

export function anyOf(items: readonly BoolSql[]): BoolSql {
  return items.reduce<BoolSql>((acc, item) => or(acc, item), false);
}

export function toSql(value: BoolSql, frags: SqlFragments): Sql {
  return typeof value === "boolean" ? frags.bool(value) : value;
}
