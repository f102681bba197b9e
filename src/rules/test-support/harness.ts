import type { Collection } from "../../collections/model.js";
import { compileFilter, evaluate, parseFilter } from "../index.js";
import type { RequestInfo, RuleScope } from "../scope.js";
import { getCollection, users } from "./collections.js";
import { type Dataset, dataSource, selectIds, type TestDb } from "./databases.js";

export const NOW = new Date("2024-03-01T08:00:00.000Z");

export function request(overrides: Partial<RequestInfo> = {}): RequestInfo {
  return {
    auth: null,
    body: {},
    query: {},
    headers: {},
    method: "GET",
    context: "default",
    isSuperuser: false,
    ...overrides,
  };
}

export function authAs(data: Dataset, id: string): RequestInfo["auth"] {
  const row = data.users?.find((u) => u.id === id);
  if (!row) throw new Error(`no user ${id}`);
  return { ...row, collectionId: users.id, collectionName: users.name };
}

export function scopeFor(
  collection: Collection,
  req: RequestInfo,
  extra: Partial<RuleScope> = {},
): RuleScope {
  return { collection, getCollection, request: req, now: NOW, ...extra };
}

/** The matching ids from the evaluator, sorted. */
export function evaluateIds(filter: string, scope: RuleScope, data: Dataset): string[] {
  const expr = parseFilter(filter);
  const source = dataSource(data);
  return (data[scope.collection.name] ?? [])
    .filter((row) => evaluate(expr, row, scope, source))
    .map((r) => r.id)
    .sort();
}

export async function queryIds(db: TestDb, filter: string, scope: RuleScope): Promise<string[]> {
  return selectIds(db, scope.collection, compileFilter(parseFilter(filter), scope, db.frags, "r"));
}
