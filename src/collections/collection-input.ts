import { randomInt } from "node:crypto";
import { ApiError, type IssueMap, issue } from "../errors/api-error.js";
import { nowDate } from "../ids.js";
import { normalizeAuthOptions } from "./auth-options.js";
import { normalizeField } from "./fields/index.js";
import {
  type Collection,
  type CollectionType,
  type Field,
  RELATION_FILTER_ACCESS,
  type RelationFilterAccess,
  type Rule,
} from "./model.js";
import { isSearchLanguage } from "./search-options.js";
import { DEFAULT_SEARCH_LANGUAGE, SEARCH_LANGUAGES, type SearchLanguage } from "./search-types.js";
import { systemFieldsFor, timestampFields } from "./system-fields.js";

const TYPES: CollectionType[] = ["base", "auth", "view"];
const RULES = ["listRule", "viewRule", "createRule", "updateRule", "deleteRule"] as const;

type Input = Record<string, unknown>;

const newCollectionId = () => `pbc_${randomInt(1_000_000_000, 9_999_999_999)}`;
const newFieldId = (type: string) => `${type}${randomInt(1_000_000_000, 4_294_967_295)}`;

/**
 * Builds the next version of a collection from API input (create when `previous` is undefined).
 * Shape problems become field issues; deeper checks (names taken, rules, indexes) are in
 * validate-collection.ts.
 */
export function collectionFromInput(input: Input, previous: Collection | undefined): Collection {
  const issues: IssueMap = {};
  const type = (input.type ?? previous?.type ?? "base") as CollectionType;
  if (!TYPES.includes(type)) issues.type = issue("validation_in_invalid", "Must be base, auth or view.");
  if (previous && type !== previous.type) {
    issues.type = issue("validation_collection_type_change", "The collection type cannot be changed.");
  }
  const name = input.name ?? previous?.name;
  if (typeof name !== "string") issues.name = issue("validation_required", "Missing required value.");

  const rules = {} as Record<(typeof RULES)[number], Rule>;
  for (const key of RULES) {
    const value = key in input ? input[key] : (previous?.[key] ?? null);
    if (value !== null && typeof value !== "string") {
      issues[key] = issue("validation_invalid_rule", "Must be a filter expression or null.");
    }
    rules[key] = typeof value === "string" ? value : null;
  }

  const access = input.filterThroughRelations ?? previous?.filterThroughRelations ?? "listRule";
  if (!RELATION_FILTER_ACCESS.includes(access as RelationFilterAccess)) {
    issues.filterThroughRelations = issue("validation_in_invalid", 'Must be "listRule" or "open".');
  }

  const searchLanguage = input.searchLanguage ?? previous?.searchLanguage ?? DEFAULT_SEARCH_LANGUAGE;
  if (!isSearchLanguage(searchLanguage)) {
    issues.searchLanguage = issue("validation_in_invalid", `Must be one of ${SEARCH_LANGUAGES.join(", ")}.`);
  }

  const indexesInput = input.indexes ?? previous?.indexes ?? [];
  if (!Array.isArray(indexesInput) || indexesInput.some((i) => typeof i !== "string")) {
    issues.indexes = issue("validation_invalid_value", "Must be a list of CREATE INDEX statements.");
  }

  let fields: Field[] = [];
  if (type !== "view") {
    const fieldsInput = input.fields ?? previous?.fields;
    if (fieldsInput !== undefined && !Array.isArray(fieldsInput)) {
      issues.fields = issue("validation_invalid_value", "Must be a list of fields.");
    } else {
      fields = buildFields((fieldsInput as Input[] | undefined) ?? [], previous, type, issues);
    }
  }

  if (Object.keys(issues).length > 0) throw new ApiError(400, "Failed to save the collection.", issues);

  const now = nowDate();
  const collection: Collection = {
    id: previous?.id ?? (typeof input.id === "string" && input.id ? input.id : newCollectionId()),
    name: name as string,
    type,
    system: previous?.system ?? false,
    fields,
    indexes: [...(indexesInput as string[])],
    ...rules,
    filterThroughRelations: access as RelationFilterAccess,
    searchLanguage: searchLanguage as SearchLanguage,
    created: previous?.created ?? now,
    updated: now,
  };
  if (type === "view") collection.viewQuery = String(input.viewQuery ?? previous?.viewQuery ?? "");
  if (type === "auth") {
    collection.auth = normalizeAuthOptions(input, previous?.auth, collection.name === "_superusers");
    collection.listRule = rules.listRule;
  }
  return collection;
}

/**
 * Fields are matched to the previous version by id, then by name, so a client that omits ids
 * (or sends fields it read earlier) updates in place instead of dropping data.
 */
function buildFields(
  raw: Input[],
  previous: Collection | undefined,
  type: CollectionType,
  issues: IssueMap,
): Field[] {
  const fieldIssues: IssueMap = {};
  const out: Field[] = [];
  const list = [...raw];
  const system = previous ? previous.fields.filter((f) => f.system) : [];
  // System fields the client left out are kept: they can't be removed.
  const missing = (previous ? system : systemFieldsFor(type)).filter((sys) => {
    const sysName = (sys as { name: string }).name;
    return !list.some((f) => f && typeof f === "object" && (f.id === sys.id || f.name === sysName));
  });
  list.unshift(...missing.map((sys) => ({ ...sys })));
  if (!previous && type !== "view") {
    for (const ts of timestampFields()) if (!list.some((f) => f?.name === ts.name)) list.push(ts);
  }
  list.forEach((rawField, i) => {
    if (!rawField || typeof rawField !== "object" || Array.isArray(rawField)) {
      fieldIssues[String(i)] = issue("validation_invalid_value", "Must be a field object.");
      return;
    }
    const match =
      previous?.fields.find((f) => rawField.id && f.id === rawField.id) ??
      previous?.fields.find((f) => !rawField.id && f.name === rawField.name);
    const template = systemFieldsFor(type).find((f) => f.name === rawField.name && !match && !previous);
    const merged: Input = { ...(template ?? {}), ...rawField };
    merged.id =
      match?.id ??
      (typeof rawField.id === "string" && rawField.id
        ? rawField.id
        : newFieldId(String(rawField.type ?? "field")));
    if (match?.system) {
      merged.system = true;
      merged.name = match.name;
      merged.type = match.type;
    } else if (!template) {
      merged.system = false;
    }
    if (match && merged.type !== match.type) {
      fieldIssues[String(i)] = {
        type: issue("validation_field_type_change", "The field type cannot be changed."),
      };
      return;
    }
    try {
      out.push(normalizeField(merged as Input & { id: string; name: string }));
    } catch (err) {
      if (err instanceof ApiError) fieldIssues[String(i)] = err.data;
      else throw err;
    }
  });
  if (Object.keys(fieldIssues).length > 0) issues.fields = fieldIssues;
  return out;
}
