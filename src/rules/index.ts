/**
 * The PocketBase filter/rule language: parse once (cached), then compile to SQL for queries or
 * evaluate in memory (realtime). Semantics: see README.md in this folder.
 */
import type { RawBuilder } from "kysely";
import type { SqlFragments } from "../store/sql-fragments.js";
import type { Expr, Operand } from "./ast.js";
import { LruCache } from "./cache.js";
import { cachedCompile, cachedResolve } from "./compile-cache.js";
import { evaluateCond } from "./evaluate.js";
import type { Cond, Term } from "./ir.js";
import { LIMITS } from "./limits.js";
import { parse } from "./parser.js";
import { resolveFilter } from "./resolve.js";
import type { DataSource, RuleScope } from "./scope.js";
import { toSql } from "./sql-bool.js";
import { condToSql, newSqlContext } from "./to-sql.js";

export type { CompareOp, Expr, Modifier, Operand } from "./ast.js";
export { printExpr } from "./print.js";
export type { DataSource, RequestInfo, RuleScope } from "./scope.js";
export { compileSort } from "./sort.js";

const parsed = new LruCache<string, Expr>(LIMITS.cacheEntries);

/** Parses filter text into an immutable tree (cached by text); throws ApiError 400 when invalid. */
export function parseFilter(source: string): Expr {
  const cached = parsed.get(source);
  if (cached) return cached;
  const expr = parse(source);
  parsed.set(source, expr);
  return expr;
}

/** A boolean SQL expression over the table aliased `tableAlias`, every value bound as a parameter. */
export function compileFilter(
  expr: Expr,
  scope: RuleScope,
  frags: SqlFragments,
  tableAlias: string,
): RawBuilder<unknown> {
  return cachedCompile(expr, scope, frags, tableAlias, () =>
    toSql(condToSql(resolveFilter(expr, scope), newSqlContext(frags, tableAlias)), frags),
  );
}

/** Evaluates a filter against an in-memory record, with the same semantics as the SQL. */
export function evaluate(
  expr: Expr,
  record: Record<string, unknown>,
  scope: RuleScope,
  data: DataSource,
): boolean {
  return evaluateCond(
    cachedResolve(expr, scope, () => resolveFilter(expr, scope)),
    record,
    data,
  );
}

/**
 * Whether evaluating needs other records (relations, back-relations, @collection). Without a scope
 * the answer is conservative (any dotted field path counts); with one it is exact.
 */
export function needsData(expr: Expr, scope?: RuleScope): boolean {
  if (scope) return condNeedsData(cachedResolve(expr, scope, () => resolveFilter(expr, scope)));
  return exprNeedsData(expr);
}

function exprNeedsData(expr: Expr): boolean {
  if (expr.kind !== "compare") return exprNeedsData(expr.left) || exprNeedsData(expr.right);
  return operandNeedsData(expr.left) || operandNeedsData(expr.right);
}

function operandNeedsData(operand: Operand): boolean {
  switch (operand.kind) {
    case "collection":
      return true;
    case "field":
      return operand.path.length > 1 || operand.path.some((p) => p.includes("_via_"));
    case "request":
      return operand.area === "auth" && operand.path.length > 1;
    case "call":
      return operand.args.some(operandNeedsData);
    default:
      return false;
  }
}

function condNeedsData(cond: Cond): boolean {
  switch (cond.kind) {
    case "const":
      return false;
    case "exists":
      return true;
    case "and":
    case "or":
      return condNeedsData(cond.left) || condNeedsData(cond.right);
    case "compare":
      return termNeedsData(cond.left.term) || termNeedsData(cond.right.term);
    case "like":
      return termNeedsData(cond.value.term) || termNeedsData(cond.pattern.term);
  }
}

function termNeedsData(term: Term): boolean {
  switch (term.kind) {
    case "literal":
      return false;
    case "path":
      return term.hops.length > 0 || term.start.kind !== "record";
    case "strftime":
      return termNeedsData(term.value);
    case "geoDistance":
      return term.args.some(termNeedsData);
  }
}
