/**
 * The collection model: the single source of truth from which DDL, validators, rule resolution
 * and (later) OpenAPI/GraphQL/TypeScript projections are derived. The JSON shape matches
 * PocketBase's (v0.23+) collection export, so `/api/collections` speaks the same wire format.
 */

import type { Field } from "./fields/index.js";
import type { SearchLanguage } from "./search-types.js";

export type {
  AutodateField,
  BoolField,
  DateField,
  EditorField,
  EmailField,
  Field,
  FieldOf,
  FieldType,
  FileField,
  GeoPoint,
  GeoPointField,
  JsonField,
  NumberField,
  PasswordField,
  RelationField,
  SelectField,
  TextField,
  UrlField,
} from "./fields/index.js";

export type CollectionType = "base" | "auth" | "view";

/** See `Collection.filterThroughRelations`. */
export type RelationFilterAccess = "listRule" | "open";
export const RELATION_FILTER_ACCESS: readonly RelationFilterAccess[] = ["listRule", "open"];

/** Rule: null = superusers only; "" = anyone; otherwise a filter expression. */
export type Rule = string | null;

export interface AuthOptions {
  authRule: Rule;
  manageRule: Rule;
  passwordAuth: { enabled: boolean; identityFields: string[] };
  authToken: { duration: number };
  // Further auth options (oauth2, otp, mfa, templates) are owned by the auth module and kept
  // verbatim here so a collection round-trips through the API unchanged.
  [option: string]: unknown;
}

export interface Collection {
  id: string;
  name: string;
  type: CollectionType;
  system: boolean;
  fields: Field[];
  indexes: string[];
  listRule: Rule;
  viewRule: Rule;
  createRule: Rule;
  updateRule: Rule;
  deleteRule: Rule;
  /** view collections only: the SELECT that defines them. */
  viewQuery?: string;
  /** auth collections only. */
  auth?: AuthOptions;
  /**
   * What other collections' client filters and sorts see of this collection's rows through a
   * relation, back-relation or `@collection`: the rows the requester may list ("listRule", the
   * default when absent), or every row ("open": PocketBase's behaviour before v0.32).
   */
  filterThroughRelations?: RelationFilterAccess;
  /**
   * The language of the full-text search index over the fields marked `searchable` (default
   * "simple"; `collections/search-options.ts`).
   */
  searchLanguage?: SearchLanguage;
  created: string;
  updated: string;
}

/** A record as held in memory: column values keyed by field name (always includes id). */
export type RecordData = Record<string, unknown> & { id: string };

export function findField(collection: Collection, name: string): Field | undefined {
  return collection.fields.find((f) => f.name === name);
}
