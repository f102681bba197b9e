import { fieldType, referenceOf } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { type IssueMap, issue } from "../errors/api-error.js";
import type { Db } from "../store/store.js";
import type { RecordQuery } from "./record-query.js";

/**
 * Validates every field of a record about to be written. On update, a field the body didn't
 * touch is still checked (a changed option may now reject it); its type knows what to skip (a
 * stored password hash, an autodate).
 */
export function validateValues(
  collection: Collection,
  values: Record<string, unknown>,
  opts: {
    isNew: boolean;
    changed: Set<string>;
    previous?: Record<string, unknown>;
    getCollection: (idOrName: string) => Collection | undefined;
  },
): IssueMap {
  const issues: IssueMap = {};
  for (const field of collection.fields) {
    if (containsNul(values[field.name])) {
      // PostgreSQL can store NUL neither in text nor in jsonb; refuse it on every store alike.
      issues[field.name] = issue("validation_invalid_characters", "NUL characters are not allowed.");
      continue;
    }
    const problem = fieldType(field).validate(field, values[field.name], {
      isNew: opts.isNew,
      changed: opts.changed.has(field.name),
      getCollection: opts.getCollection,
      ...(opts.previous ? { previous: opts.previous[field.name] } : {}),
    });
    if (problem) issues[field.name] = problem;
  }
  return issues;
}

/** Relation values must point at existing records (checked inside the write's transaction). */
export async function checkRelations(
  db: Db,
  query: RecordQuery,
  registry: CollectionRegistry,
  collection: Collection,
  values: Record<string, unknown>,
  changed: Set<string>,
): Promise<IssueMap> {
  const issues: IssueMap = {};
  for (const field of collection.fields) {
    const reference = referenceOf(field);
    if (!reference || !changed.has(field.name)) continue;
    const raw = values[field.name];
    const ids = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter(
      (v): v is string => typeof v === "string",
    );
    if (ids.length === 0) continue;
    const target = registry.get(reference.collectionId);
    if (!target) {
      issues[field.name] = issue(
        "validation_missing_rel_records",
        "The related collection no longer exists.",
      );
      continue;
    }
    const found = await query.findMany(target, [...new Set(ids)], undefined, db);
    if (found.length !== new Set(ids).size) {
      issues[field.name] = issue(
        "validation_missing_rel_records",
        "Failed to find all relation records with the provided ids.",
      );
    }
  }
  return issues;
}

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\0");
  if (depth > 100 || value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes("\0") || containsNul(v, depth + 1));
}
