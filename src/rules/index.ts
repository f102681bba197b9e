/**
 * The PocketBase filter/rule language: parse once (cached), then compile to SQL for queries or
 * evaluate in memory (realtime). Semantics: see README.md in this folder.
 */
import type { RawBuilder } from "kysely";
import type { SqlFragments } from "../store/sql-fragments.js";
import type { Expr } from "./ast.js";
import { cachedCompile, cachedResolve } from "./compile-cache.js";
import { dependenciesOf } from "./dependencies.js";
import { evaluateCond } from "./evaluate.js";
import type { Cond, Term } from "./ir.js";
import { resolveFilter } from "./resolve.js";
import type { DataSource, RuleScope } from "./scope.js";
import { toSql } from "./sql-bool.js";
import { condToSql, newSqlContext } from "./to-sql.js";

export type { CompareOp, Expr, Modifier, Operand } from "./ast.js";
export { invalidSort } from "./errors.js";
export { parseFilter } from "./parse-cache.js";
export { printExpr } from "./print.js";
export type { DataSource, RequestInfo, RuleScope } from "./scope.js";
export { NO_OTHER_ROWS } from "./scope.js";
export { searchQueriesOf } from "./search-queries.js";
export { SEARCH_LIMITS, searchWords, wordMatches } from "./search-words.js";
export { compileSort } from "./sort.js";

/** A boolean SQL expression over the table aliased `tableAlias`, every value bound as a parameter. */
export function compileFilter(
  expr: Expr,
  scope: RuleScope,
  frags: SqlFragments,
  tableAlias: string,
): RawBuilder<unknown> {
  return cachedCompile(expr, scope, frags, tableAlias, () => {
    const { value, reads } = resolveFilter(expr, scope);
    return { value: toSql(condToSql(value, newSqlContext(frags, tableAlias)), frags), reads };
  });
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
  return dependenciesOf(expr).mayHop;
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
    case "search":
      return false;
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
