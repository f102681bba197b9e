import { type ApiKeyScope, type ScopeOperation, scopeAllows } from "../auth/api-keys/scopes.js";
import type { Collection, Rule } from "../collections/model.js";

/**
 * Who a document is generated for. Superusers see every collection and the system APIs; an API
 * key the operations its scopes allow; everyone else (guests and signed-in users) the operations
 * whose rule is not locked (null), since only those can answer them.
 */
export type Viewer =
  | { kind: "superuser" }
  | { kind: "apiKey"; scopes: readonly ApiKeyScope[] }
  | { kind: "client" };

/** The record operations of a collection, named as API key scopes name them. */
export type RecordOperation = ScopeOperation;

const RULE_OF: Record<RecordOperation, keyof Collection & `${string}Rule`> = {
  list: "listRule",
  view: "viewRule",
  create: "createRule",
  update: "updateRule",
  delete: "deleteRule",
};

/** The rule that guards `op` on `collection`. */
export function ruleOf(collection: Collection, op: RecordOperation): Rule {
  return collection[RULE_OF[op]] as Rule;
}

/** Whether `viewer` could call `op` on `collection` (views have no writes). */
export function canCall(viewer: Viewer, collection: Collection, op: RecordOperation): boolean {
  if (collection.type === "view" && op !== "list" && op !== "view") return false;
  if (viewer.kind === "superuser") return true;
  if (viewer.kind === "apiKey") return scopeAllows(viewer.scopes, collection, op);
  return ruleOf(collection, op) !== null;
}

/** Whether `viewer` sees the collection at all: through a record operation, or its sign-in endpoints. */
export function seesCollection(viewer: Viewer, collection: Collection): boolean {
  if (viewer.kind === "superuser") return true;
  const ops: RecordOperation[] = ["list", "view", "create", "update", "delete"];
  if (ops.some((op) => canCall(viewer, collection, op))) return true;
  // Sign-in is for people, not keys; and a collection whose rules are all locked stays unlisted.
  return false;
}

/** A key for caching documents per viewer. */
export function viewerKey(viewer: Viewer): string {
  if (viewer.kind === "apiKey") return `key:${JSON.stringify(viewer.scopes)}`;
  return viewer.kind;
}
