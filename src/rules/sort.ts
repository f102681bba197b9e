import { sql } from "kysely";
import type { Sql, SqlFragments } from "../store/sql-fragments.js";
import { cachedSort, type Made } from "./compile-cache.js";
import { invalidSort } from "./errors.js";
import type { CompareType } from "./ir.js";
import { LIMITS } from "./limits.js";
import { parseIdentifier } from "./parse-operand.js";
import { resolveContext } from "./resolve.js";
import { resolvePath } from "./resolve-path.js";
import type { RuleScope } from "./scope.js";
import { column, pathQuery, scalarPath } from "./sql-path.js";
import { newSqlContext } from "./to-sql.js";

/**
 * `-created,id,@random,-@rowid,author.name` → ORDER BY terms; multi-valued paths can't be sorted on. A sort
 * is a client's text: a term through a relation sees only rows the requester may list (a hidden
 * row sorts as missing). Cached: the same array comes back while nothing it depends on changed.
 */
export function compileSort(
  sort: string,
  scope: RuleScope,
  frags: SqlFragments,
  tableAlias: string,
): readonly Sql[] {
  return cachedSort(sort, scope, frags, tableAlias, () => compileTerms(sort, scope, frags, tableAlias));
}

function compileTerms(sort: string, scope: RuleScope, frags: SqlFragments, tableAlias: string): Made<Sql[]> {
  const terms = sort
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (terms.length > LIMITS.maxSortTerms)
    throw invalidSort(`too many sort fields (max ${LIMITS.maxSortTerms})`);
  const ctx = resolveContext(scope);
  const cx = newSqlContext(frags, tableAlias);
  const value = terms.map((text) => {
    const descending = text.startsWith("-");
    const name = text.replace(/^[-+]/, "");
    const direction = sql.raw(descending ? "DESC" : "ASC");
    if (name === "@random") return sql`${frags.random()} ${direction}`;
    if (name === "@rowid") return insertionOrder(scope, frags, tableAlias, direction);
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
  return { value, reads: ctx.reads };
}

/**
 * `@rowid`: the order rows were inserted in (PocketBase's dashboard sorts every list by `-@rowid`).
 * Views have no rows of their own to number, as in PocketBase.
 */
function insertionOrder(scope: RuleScope, frags: SqlFragments, tableAlias: string, direction: Sql): Sql {
  if (scope.collection.type === "view") throw invalidSort(`can't sort a view by "@rowid"`);
  const hasCreated = scope.collection.fields.some(
    (f) => f.name === "created" && f.type === "autodate" && f.onCreate === true,
  );
  return sql.join(
    frags.insertionOrder(tableAlias, hasCreated).map((expr) => sql`${expr} ${direction}`),
    sql`, `,
  );
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
