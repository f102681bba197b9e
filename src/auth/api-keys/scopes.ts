import { type IssueMap, issue } from "../../errors/api-error.js";

export const SCOPE_OPERATIONS = ["list", "view", "create", "update", "delete"] as const;
export type ScopeOperation = (typeof SCOPE_OPERATIONS)[number];

/** Operations on one collection (by name or id), or on every one with "*". */
export interface CollectionScope {
  collection: string;
  operations: ScopeOperation[];
}

/** Scopes beyond records, named by a string: `"metrics"` lets a scraper read `/api/metrics`. */
export const SYSTEM_SCOPES = ["metrics"] as const;
export type SystemScope = (typeof SYSTEM_SCOPES)[number];

/** What a key may do. */
export type ApiKeyScope = CollectionScope | SystemScope;

const isSystemScope = (v: unknown): v is SystemScope =>
  typeof v === "string" && (SYSTEM_SCOPES as readonly string[]).includes(v);

/**
 * Superusers are managed by superusers: a key may never touch `_superusers` (creating a superuser
 * would turn any key into full rights), so "*" leaves it out and naming it is refused.
 */
const OFF_LIMITS = "_superusers";
const MAX_SCOPES = 100;
const COLLECTION_NAME = /^(\*|[A-Za-z0-9_]{1,255})$/;

const isOperation = (v: unknown): v is ScopeOperation =>
  typeof v === "string" && (SCOPE_OPERATIONS as readonly string[]).includes(v);

/** Validates the scopes of a key to create; duplicates operations are merged away. */
export function parseScopes(input: unknown): { scopes: ApiKeyScope[] } | { issues: IssueMap } {
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_SCOPES)
    return { issues: { scopes: issue("validation_invalid_scopes", `Give 1 to ${MAX_SCOPES} scopes.`) } };
  const scopes: ApiKeyScope[] = [];
  const issues: IssueMap = {};
  input.forEach((raw, i) => {
    if (isSystemScope(raw)) {
      if (!scopes.includes(raw)) scopes.push(raw);
      return;
    }
    const entry = raw as { collection?: unknown; operations?: unknown } | null;
    const collection = entry && typeof entry === "object" ? entry.collection : undefined;
    const operations = entry && typeof entry === "object" ? entry.operations : undefined;
    if (typeof collection !== "string" || !COLLECTION_NAME.test(collection) || collection === OFF_LIMITS) {
      issues[String(i)] = {
        collection: issue(
          "validation_invalid_collection",
          `Name a collection (not _superusers) or "*", or give one of ${SYSTEM_SCOPES.map((s) => `"${s}"`).join(", ")}.`,
        ),
      };
      return;
    }
    if (!Array.isArray(operations) || operations.length === 0 || !operations.every(isOperation)) {
      issues[String(i)] = {
        operations: issue(
          "validation_invalid_operations",
          `Operations are some of ${SCOPE_OPERATIONS.join(", ")}.`,
        ),
      };
      return;
    }
    scopes.push({ collection, operations: SCOPE_OPERATIONS.filter((op) => operations.includes(op)) });
  });
  return Object.keys(issues).length > 0 ? { issues: { scopes: issues } } : { scopes };
}

/** Whether the scopes allow an operation on a collection. */
export function scopeAllows(
  scopes: readonly ApiKeyScope[],
  collection: { id: string; name: string },
  op: ScopeOperation,
): boolean {
  if (collection.name === OFF_LIMITS) return false;
  return scopes.some(
    (s) =>
      typeof s === "object" &&
      (s.collection === "*" || s.collection === collection.name || s.collection === collection.id) &&
      s.operations.includes(op),
  );
}

/** Whether the scopes include a system scope such as `"metrics"`. */
export function hasSystemScope(scopes: readonly ApiKeyScope[], scope: SystemScope): boolean {
  return scopes.includes(scope);
}
