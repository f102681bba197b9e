import type { RawBuilder } from "kysely";
import type { Collection } from "../collections/model.js";
import type { Sql, SqlFragments } from "../store/sql-fragments.js";
import { inSyncSpan } from "../tracing/trace-context.js";
import type { Expr } from "./ast.js";
import { LruCache } from "./cache.js";
import { dependenciesOf, type RequesterReads } from "./dependencies.js";
import type { Cond } from "./ir.js";
import type { RuleScope } from "./scope.js";
import { guardMode } from "./visibility.js";

/** A resolved or compiled form, with what of the requester it turned out to depend on. */
export interface Made<V> {
  value: V;
  reads: RequesterReads;
}

/**
 * What a key holds: the value itself; or, when the list rules a client filter stepped into (or its
 * email leaves) depend on the requester, one value per requester; or nothing when those rules read
 * per-request data. Whether a key's value depends on the requester is the same for every requester
 * with that key (it follows from the text, the collections and the caller's kind), so it is learnt
 * on the first compilation and filters without relations pay nothing for it.
 */
type Entry<V> =
  | { kind: "one"; value: V }
  | { kind: "perRequester"; reads: RequesterReads; values: LruCache<string, V> }
  | { kind: "never" };

type Store<V> = WeakMap<Collection, LruCache<string, Entry<V>>>;

const compiled: Store<RawBuilder<unknown>> = new WeakMap();
const resolved: Store<Cond> = new WeakMap();
const sorts: Store<readonly Sql[]> = new WeakMap();
const ENTRIES_PER_COLLECTION = 2000;
/**
 * Filters already key by the caller, so their per-requester values differ only by auth field
 * values; sorts through relations key per caller here: the most recent callers are kept.
 */
const REQUESTERS_PER_ENTRY = 256;

/**
 * Compiles a filter, reusing an earlier compilation when nothing it depends on changed: the same
 * collection version (the registry replaces every collection object on every schema change, so the
 * rules of the collections a filter steps into are covered too), the same tree, alias, author
 * (client or rule), the same caller, and the same values of the `@request.auth` fields it and the
 * list rules it pulls in read. Filters that read the clock or the request body/query/headers (or
 * step into collections whose list rules do) are compiled every time.
 */
export function cachedCompile(
  expr: Expr,
  scope: RuleScope,
  frags: SqlFragments,
  tableAlias: string,
  compile: () => Made<RawBuilder<unknown>>,
): RawBuilder<unknown> {
  return cachedFilter(compiled, expr, scope, `${frags.dialect}|${tableAlias}`, compile);
}

/** The same reuse for the resolved form the in-memory evaluator runs (realtime checks it per event). */
export function cachedResolve(expr: Expr, scope: RuleScope, resolve: () => Made<Cond>): Cond {
  return cachedFilter(resolved, expr, scope, "resolved", resolve);
}

/**
 * Sort terms per collection version, text, dialect and kind of caller; per requester only when a
 * term steps into another collection (its list rule) or reads an auth record's email.
 */
export function cachedSort(
  sort: string,
  scope: RuleScope,
  frags: SqlFragments,
  tableAlias: string,
  compile: () => Made<readonly Sql[]>,
): readonly Sql[] {
  const key = `${frags.dialect}|${tableAlias}|${allowsHidden(scope)}|${guardMode(scope)}|${sort}`;
  return lookup(sorts, scope, key, compile);
}

function allowsHidden(scope: RuleScope): boolean {
  return scope.source === "rule" || scope.request.isSuperuser;
}

function cachedFilter<V>(
  store: Store<V>,
  expr: Expr,
  scope: RuleScope,
  prefix: string,
  make: () => Made<V>,
): V {
  const deps = dependenciesOf(expr);
  if (!deps.cacheable || scope.current !== undefined || scope.now !== undefined)
    return traced(make, "uncacheable", scope.collection.name).value;
  const auth = scope.request.auth;
  // The caller's identity is always part of the key: visibility of auth emails depends on it.
  let key = `${exprKey(expr)}|${prefix}|${allowsHidden(scope)}|${scope.request.isSuperuser}|${guardMode(scope)}|${auth ? `${auth.collectionId}/${auth.id}` : "-"}`;
  for (const field of deps.authFields) key += `|${JSON.stringify(auth?.[field] ?? null)}`;
  return lookup(store, scope, key, make);
}

/** A rule compiled afresh (a cache miss, or a form never cached): a span of its own while tracing. */
function traced<V>(make: () => Made<V>, cache: "miss" | "uncacheable", collection: string): Made<V> {
  return inSyncSpan(
    "rule compile",
    { "backroom.rule.cache": cache, "backroom.collection": collection },
    make,
  );
}

function lookup<V>(store: Store<V>, scope: RuleScope, key: string, make: () => Made<V>): V {
  let perCollection = store.get(scope.collection);
  if (!perCollection) {
    perCollection = new LruCache(ENTRIES_PER_COLLECTION);
    store.set(scope.collection, perCollection);
  }
  const entry = perCollection.get(key);
  if (entry?.kind === "one") return entry.value;
  if (entry?.kind === "never") return traced(make, "uncacheable", scope.collection.name).value;
  if (entry?.kind === "perRequester") {
    const requester = requesterKey(entry.reads, scope);
    const hit = entry.values.get(requester);
    if (hit !== undefined) return hit;
    const made = traced(make, "miss", scope.collection.name);
    entry.values.set(requester, made.value);
    return made.value;
  }
  const made = traced(make, "miss", scope.collection.name);
  const reads = made.reads;
  if (!reads.cacheable) {
    perCollection.set(key, { kind: "never" });
  } else if (!reads.identity && reads.authFields.size === 0) {
    perCollection.set(key, { kind: "one", value: made.value });
  } else {
    const values = new LruCache<string, V>(REQUESTERS_PER_ENTRY);
    values.set(requesterKey(reads, scope), made.value);
    perCollection.set(key, { kind: "perRequester", reads, values });
  }
  return made.value;
}

function requesterKey(reads: RequesterReads, scope: RuleScope): string {
  const request = scope.request;
  const auth = request.auth;
  let key = "";
  if (reads.identity) {
    key = request.apiKey ? `key:${request.apiKey.id}` : auth ? `${auth.collectionId}/${auth.id}` : "-";
  }
  for (const field of reads.authFields) key += `|${JSON.stringify(auth?.[field] ?? null)}`;
  return key;
}

// The tree itself is part of the key through its identity: parsed trees are cached per text.
const exprKeys = new WeakMap<Expr, string>();
let nextExprKey = 0;

function exprKey(expr: Expr): string {
  let key = exprKeys.get(expr);
  if (!key) {
    key = String(nextExprKey++);
    exprKeys.set(expr, key);
  }
  return key;
}
