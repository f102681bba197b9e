import type { Expr } from "./ast.js";

/** The queries of the `search()` calls in a filter, in text order (what `@rank` ranks by). */
export function searchQueriesOf(expr: Expr): string[] {
  switch (expr.kind) {
    case "search":
      return [expr.query];
    case "and":
    case "or":
      return [...searchQueriesOf(expr.left), ...searchQueriesOf(expr.right)];
    case "compare":
      return [];
  }
}
