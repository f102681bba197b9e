import type { RawBuilder } from "kysely";
import type { Collection } from "../collections/model.js";
import type { SqlFragments } from "../store/sql-fragments.js";
import type { Expr, Operand } from "./ast.js";
import { LruCache } from "./cache.js";
import type { Cond } from "./ir.js";
import type { RuleScope } from "./scope.js";

/** What a compiled filter depends on besides the collection: the `@request.auth` fields it reads. */
interface Dependencies {
  /** false when the SQL depends on the clock (macros) or on per-request data (body, query, headers…). */
  cacheable: boolean;
  /** First path segments of `@request.auth.*` references: the compiled SQL binds these values. */
  authFields: string[];
}

const dependencies = new WeakMap<Expr, Dependencies>();
const compiled = new WeakMap<Collection, LruCache<string, RawBuilder<unknown>>>();
const resolved = new WeakMap<Collection, LruCache<string, Cond>>();
const ENTRIES_PER_COLLECTION = 2000;

function operandDeps(op: Operand, deps: Dependencies): void {
  switch (op.kind) {
    case "macro":
      deps.cacheable = false;
      return;
    case "request":
      if (op.area === "auth") deps.authFields.push(op.path[0] ?? "");
      else deps.cacheable = false;
      return;
    case "call":
      for (const arg of op.args) operandDeps(arg, deps);
      return;
    case "string":
    case "number":
    case "bool":
    case "null":
    case "field":
    case "collection":
      return;
  }
}

function dependenciesOf(expr: Expr): Dependencies {
  let deps = dependencies.get(expr);
  if (deps) return deps;
  deps = { cacheable: true, authFields: [] };
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    if (e.kind === "compare") {
      operandDeps(e.left, deps);
      operandDeps(e.right, deps);
    } else {
      stack.push(e.left, e.right);
    }
  }
  deps.authFields = [...new Set(deps.authFields)];
  dependencies.set(expr, deps);
  return deps;
}

/**
 * Compiles a filter, reusing an earlier compilation when nothing it depends on changed: the same
 * collection version (collection objects are replaced on every schema change), the same tree,
 * alias, visibility of hidden fields, the same caller, and the same values of the `@request.auth`
 * fields it reads.
 * Filters that read the clock or the request body/query/headers are compiled every time.
 */
export function cachedCompile(
  expr: Expr,
  scope: RuleScope,
  frags: SqlFragments,
  tableAlias: string,
  compile: () => RawBuilder<unknown>,
): RawBuilder<unknown> {
  return cached(compiled, expr, scope, `${frags.dialect}|${tableAlias}`, compile);
}

/** The same reuse for the resolved form the in-memory evaluator runs (realtime checks it per event). */
export function cachedResolve(expr: Expr, scope: RuleScope, resolve: () => Cond): Cond {
  return cached(resolved, expr, scope, "resolved", resolve);
}

function cached<V>(
  store: WeakMap<Collection, LruCache<string, V>>,
  expr: Expr,
  scope: RuleScope,
  prefix: string,
  make: () => V,
): V {
  const deps = dependenciesOf(expr);
  if (!deps.cacheable || scope.current !== undefined || scope.now !== undefined) return make();
  const auth = scope.request.auth;
  const allowHidden = scope.allowHiddenFields ?? scope.request.isSuperuser;
  // The caller's identity is always part of the key: visibility of auth emails depends on it.
  let key = `${prefix}|${allowHidden}|${scope.request.isSuperuser}|${auth ? `${auth.collectionId}/${auth.id}` : "-"}`;
  for (const field of deps.authFields) key += `|${JSON.stringify(auth?.[field] ?? null)}`;
  let perCollection = store.get(scope.collection);
  if (!perCollection) {
    perCollection = new LruCache(ENTRIES_PER_COLLECTION);
    store.set(scope.collection, perCollection);
  }
  // The tree itself is part of the key through its identity: parsed trees are cached per text.
  let perExpr = exprKeys.get(expr);
  if (!perExpr) {
    perExpr = String(nextExprKey++);
    exprKeys.set(expr, perExpr);
  }
  key = `${perExpr}|${key}`;
  const hit = perCollection.get(key);
  if (hit) return hit;
  const result = make();
  perCollection.set(key, result);
  return result;
}

const exprKeys = new WeakMap<Expr, string>();
let nextExprKey = 0;
