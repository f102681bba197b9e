import { type IssueMap, issue } from "../errors/api-error.js";
import { canBeSearchable, isSearchable } from "./fields/index.js";
import type { Collection } from "./model.js";
import {
  DEFAULT_SEARCH_LANGUAGE,
  SEARCH_LANGUAGES,
  type SearchDefinition,
  type SearchLanguage,
} from "./search-types.js";

// FTS5 reserves these column names for itself.
const RESERVED_SEARCH_NAMES = new Set(["rank", "rowid"]);

/** The collection's search index, or null when no field is searchable (views never have one). */
export function searchDefinition(collection: Collection): SearchDefinition | null {
  if (collection.type === "view") return null;
  const fields = collection.fields.filter(isSearchable).map((f) => f.name);
  if (fields.length === 0) return null;
  return { table: collection.name, fields, language: collection.searchLanguage ?? DEFAULT_SEARCH_LANGUAGE };
}

/** Two definitions give the same index (so a collection change that keeps it needs no rebuild). */
export function sameSearchDefinition(a: SearchDefinition | null, b: SearchDefinition | null): boolean {
  if (a === null || b === null) return a === b;
  return a.table === b.table && a.language === b.language && a.fields.join("\0") === b.fields.join("\0");
}

export function isSearchLanguage(value: unknown): value is SearchLanguage {
  return typeof value === "string" && (SEARCH_LANGUAGES as readonly string[]).includes(value);
}

/** Problems with the search options of a collection's fields, keyed by field position. */
export function searchFieldIssues(c: Collection): IssueMap {
  const issues: IssueMap = {};
  c.fields.forEach((f, i) => {
    if (!canBeSearchable(f) || !f.searchable) return;
    if (f.hidden)
      // A client could learn a hidden field's words by searching for them.
      issues[String(i)] = {
        searchable: issue("validation_hidden_search", "A hidden field can't be searchable."),
      };
    else if (RESERVED_SEARCH_NAMES.has(f.name.toLowerCase()))
      issues[String(i)] = {
        searchable: issue(
          "validation_reserved_search_name",
          `A field named "${f.name}" can't be searchable.`,
        ),
      };
  });
  return issues;
}
