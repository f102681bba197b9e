/**
 * DESIGN principle 7 (strict at the edge): a client's filter sees through relations only what that client may list.
 * Each step of a client filter or sort into another collection's rows (a relation, a back-relation,
 * `@collection.x`) only sees the rows the requester could list: the target's listRule, resolved for
 * the same request. Collection rules (written by the app's developer) see every row.
 */
import type { Collection } from "../collections/model.js";
import type { Expr } from "./ast.js";
import { dependenciesOf, type RequesterReads } from "./dependencies.js";
import type { Cond } from "./ir.js";
import { parseFilter } from "./parse-cache.js";
import type { RuleScope } from "./scope.js";

/**
 * How steps into other collections are filtered for this scope: "open" (collection rules, and
 * superusers' filters), "rules" (other clients: the target's listRule), "key" (a request signed
 * with an API key: all rows of collections its scopes may list, none of the others).
 */
export type GuardMode = "open" | "rules" | "key";

export function guardMode(scope: RuleScope): GuardMode {
  if (scope.source === "rule") return "open";
  if (scope.request.apiKey) return "key";
  return scope.request.isSuperuser ? "open" : "rules";
}

const NONE: Cond = { kind: "const", value: false };

/**
 * The rows of `target` a path of this scope's filter may see: null for all of them, else a
 * condition over a row of `target` (its `record` start is that row). Records in `reads` what of the
 * requester the answer depends on. `resolveRule` resolves the target's rule (cached by the caller).
 */
export function visibleRows(
  target: Collection,
  scope: RuleScope,
  mode: GuardMode,
  reads: RequesterReads,
  resolveRule: (expr: Expr, scope: RuleScope) => Cond,
): Cond | null {
  if (mode === "open" || target.filterThroughRelations === "open") return null;
  reads.identity = true;
  if (mode === "key") return scope.request.apiKey?.mayList(target) ? null : NONE;
  const rule = target.listRule;
  if (rule === null) return NONE;
  if (rule.trim() === "") return null;
  let expr: Expr;
  let cond: Cond;
  try {
    expr = parseFilter(rule);
    // The rule is the developer's: it keeps its own meaning (hidden fields, unguarded relations),
    // so resolving it never comes back here and cycles between collections' rules can't recurse.
    cond = resolveRule(expr, {
      collection: target,
      getCollection: scope.getCollection,
      request: scope.request,
      now: scope.now,
      current: undefined,
      source: "rule",
    });
  } catch {
    // A rule that no longer resolves hides the rows (listing that collection fails the same way);
    // the client's error must not describe another collection's rule.
    return NONE;
  }
  const deps = dependenciesOf(expr);
  if (!deps.cacheable) reads.cacheable = false;
  for (const field of deps.authFields) reads.authFields.add(field);
  return cond;
}
