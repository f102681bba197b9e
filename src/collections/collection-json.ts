import { publicOAuth2Options } from "../auth/oauth2/oauth2-options.js";
import type { Collection } from "./model.js";
import { DEFAULT_SEARCH_LANGUAGE } from "./search-types.js";

/** Auth options that are secrets: kept in storage, never sent over the API. */
const SECRET_KEYS = new Set(["secret"]);

/**
 * A collection in PocketBase's wire shape: auth options are flattened onto the collection,
 * token secrets removed.
 */
export function collectionToApi(c: Collection): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    name: c.name,
    type: c.type,
    system: c.system,
    fields: c.fields,
    indexes: c.indexes,
    listRule: c.listRule,
    viewRule: c.viewRule,
    createRule: c.createRule,
    updateRule: c.updateRule,
    deleteRule: c.deleteRule,
    filterThroughRelations: c.filterThroughRelations ?? "listRule",
    searchLanguage: c.searchLanguage ?? DEFAULT_SEARCH_LANGUAGE,
    created: c.created,
    updated: c.updated,
  };
  if (c.type === "view") out.viewQuery = c.viewQuery ?? "";
  if (c.auth) {
    for (const [key, value] of Object.entries(c.auth)) {
      out[key] = stripSecrets(key === "oauth2" ? publicOAuth2Options(value) : value);
    }
  }
  return out;
}

function stripSecrets(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!SECRET_KEYS.has(k)) copy[k] = v;
  return copy;
}
