import type { Collection } from "../collections/model.js";
import type { RuleScope } from "./scope.js";

/** State shared while resolving one filter against one scope. */
export interface ResolveContext {
  readonly scope: RuleScope;
  readonly allowHidden: boolean;
  readonly now: Date;
  /** Shared `@collection` rows, keyed by `name` or `name:alias`, in order of first use. */
  readonly bindings: Map<string, { id: number; collection: Collection }>;
}

export function newResolveContext(scope: RuleScope): ResolveContext {
  return {
    scope,
    allowHidden: scope.allowHiddenFields ?? scope.request.isSuperuser,
    now: scope.now ?? new Date(),
    bindings: new Map(),
  };
}
