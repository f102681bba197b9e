import { scopeAllows } from "../auth/api-keys/scopes.js";
import type { Collection, Rule } from "../collections/model.js";
import { ApiError, forbidden } from "../errors/api-error.js";
import { type Expr, parseFilter } from "../rules/index.js";
import type { RequestContext } from "./request-context.js";

export type Operation = "list" | "view" | "create" | "update" | "delete";

/** How an operation is allowed: to everyone, or to rows that match a rule. */
export type Access = { kind: "all" } | { kind: "filter"; rule: Expr };

const ruleKey = {
  list: "listRule",
  view: "viewRule",
  create: "createRule",
  update: "updateRule",
  delete: "deleteRule",
} as const;

/**
 * Applies PocketBase's rule semantics: superusers pass; `null` is superusers only (403);
 * `""` is everyone; any other text is a filter the row must match. An API key passes like a
 * superuser where its scopes allow the collection and operation, and gets 403 everywhere else.
 */
export function accessFor(collection: Collection, op: Operation, ctx: RequestContext): Access {
  if (ctx.apiKey) {
    if (!scopeAllows(ctx.apiKey.scopes, collection, op))
      throw forbidden("The API key is not allowed to perform this action.");
    return { kind: "all" };
  }
  if (ctx.superuser) return { kind: "all" };
  const rule: Rule = collection[ruleKey[op]];
  if (rule === null) throw forbidden("Only superusers can perform this action.");
  if (rule.trim() === "") return { kind: "all" };
  return { kind: "filter", rule: parseFilter(rule) };
}

/**
 * Who may change an auth record's account fields directly (email, verified, a new password
 * without the old one), as PocketBase's manage access: superusers (and API keys the operation's
 * scope already admitted) everywhere; a signed-in requester where the collection's manageRule
 * matches the record; nobody else, also when the rule is null or empty.
 */
export function manageAccessFor(collection: Collection, ctx: RequestContext): Access | undefined {
  if (ctx.superuser) return { kind: "all" };
  const rule = collection.auth?.manageRule;
  if (!ctx.auth || rule === null || rule === undefined || rule.trim() === "") return undefined;
  return { kind: "filter", rule: parseFilter(rule) };
}

export function readOnly(collection: Collection): void {
  if (collection.type === "view") throw new ApiError(400, "View collections are read-only.");
}
