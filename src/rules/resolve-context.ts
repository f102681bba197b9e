import type { Collection } from "../collections/model.js";
import { newReads, type RequesterReads } from "./dependencies.js";
import { invalidFilter } from "./errors.js";
import type { Binding, Cond, Visible } from "./ir.js";
import { LIMITS } from "./limits.js";
import type { RuleScope } from "./scope.js";

/** State shared while resolving one filter against one scope. */
export interface ResolveContext {
  readonly scope: RuleScope;
  readonly allowHidden: boolean;
  readonly now: Date;
  /** Shared `@collection` rows, keyed by `name` or `name:alias`, in order of first use. */
  readonly bindings: Map<string, Binding>;
  /** What of the requester the result depends on besides what the filter text names. */
  readonly reads: RequesterReads;
  /** The rows of `collection` a path of this filter may step into (see visibility.ts). */
  visible(collection: Collection): Visible;
}

export function newResolveContext(
  scope: RuleScope,
  visible: (collection: Collection, reads: RequesterReads) => Visible,
): ResolveContext {
  const reads = newReads();
  const known = new Map<Collection, Visible>();
  let comparisons = 0;
  return {
    scope,
    allowHidden: scope.source === "rule" || scope.request.isSuperuser,
    now: scope.now ?? new Date(),
    bindings: new Map(),
    reads,
    visible(collection) {
      let rows = known.get(collection);
      if (rows === undefined) {
        rows = visible(collection, reads);
        known.set(collection, rows);
      }
      // Every step repeats the rule in the SQL: bound what one filter can make the database do.
      if (rows !== null) comparisons += comparisonsIn(rows);
      if (comparisons > LIMITS.maxVisibilityComparisons) {
        throw invalidFilter(
          "too many steps into collections whose list rules limit what this filter may see; filter on fewer relations",
        );
      }
      return rows;
    },
  };
}

const sizes = new WeakMap<Cond, number>();

/** Comparisons in the SQL of a condition (a shared @collection row compiles its body twice). */
function comparisonsIn(cond: Cond): number {
  let n = sizes.get(cond);
  if (n !== undefined) return n;
  switch (cond.kind) {
    case "const":
      n = 0;
      break;
    case "and":
    case "or":
      n = comparisonsIn(cond.left) + comparisonsIn(cond.right);
      break;
    case "exists":
      n = 2 * comparisonsIn(cond.body);
      break;
    case "compare":
    case "like":
    case "search":
      n = 1;
      break;
  }
  sizes.set(cond, n);
  return n;
}
