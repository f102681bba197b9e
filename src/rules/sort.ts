import { sql } from "kysely";
import type { Sql, SqlFragments } from "../store/sql-fragments.js";
import { invalidSort } from "./errors.js";
import type { CompareType } from "./ir.js";
import { LIMITS } from "./limits.js";
import { parseIdentifier } from "./parse-operand.js";
import { newResolveContext } from "./resolve-context.js";
import { resolvePath } from "./resolve-path.js";
import type { RuleScope } from "./scope.js";
import { column, pathQuery, scalarPath } from "./sql-path.js";
import { newSqlContext } from "./to-sql.js";

/** `-created,id,@random,author.name` → ORDER BY terms; multi-valued paths can't be sorted on. */
export function compileSort(sort: string, scope: RuleScope, frags: SqlFragments, tableAlias: string): Sql[] {
  const terms = sort
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (terms.length > LIMITS.maxSortTerms)
    throw invalidSort(`too many sort fields (max ${LIMITS.maxSortTerms})`);
  const ctx = newResolveContext(scope);
  const cx = newSqlContext(frags, tableAlias);
  return terms.map((text) => {
    const descending = text.startsWith("-");
    const name = text.replace(/^[-+]/, "");
    const direction = sql.raw(descending ? "DESC" : "ASC");
    if (name === "@random") return sql`${frags.random()} ${direction}`;
    const operand = rethrowAsSort(() => parseIdentifier(name, 0));
    if (operand.kind !== "field" || operand.modifier !== null) throw invalidSort(`can't sort by "${name}"`);
    const term = rethrowAsSort(() =>
      resolvePath(ctx, { kind: "record", collection: scope.collection }, operand.path, null),
    );
    if (term.kind !== "path" || term.multi) throw invalidSort(`can't sort by the multi-valued "${name}"`);
    if (term.leaf.kind === "json") {
      const query = pathQuery(term, cx);
      if (query.from.length > 0) throw invalidSort(`can't sort by the json path "${name}" of a relation`);
      return sql`${frags.jsonSortKey(column(tableAlias, term.leaf.field), term.leaf.path)} ${direction}`;
    }
    const type: CompareType = term.type === "json" ? "text" : term.type;
    const zero =
      type === "text"
        ? frags.textParam("")
        : type === "number"
          ? frags.numberParam(0)
          : frags.boolParam(false);
    const value = scalarPath(term, type, zero, cx);
    return sql`${type === "text" ? frags.byteOrder(value) : value} ${direction}`;
  });
}

function rethrowAsSort<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const message =
      err instanceof Error ? err.message.replace(/^Invalid filter: /, "").replace(/\.$/, "") : "invalid";
    throw invalidSort(message);
  }
}
