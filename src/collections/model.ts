/**
 * The collection model: the single source of truth from which DDL, validators, rule resolution
 * and (later) OpenAPI/GraphQL/TypeScript projections are derived. The JSON shape matches
 * PocketBase's (v0.23+) collection export, so `/api/collections` speaks the same wire format.
 */

export type CollectionType = "base" | "auth" | "view";

export type FieldType =
  | "text"
  | "number"
  | "bool"
  | "email"
  | "url"
  | "editor"
  | "date"
  | "autodate"
  | "select"
  | "file"
  | "relation"
  | "json"
  | "geoPoint"
  | "password";

interface FieldCommon {
  /** Stable id: survives renames, so a schema change can tell a rename from a drop+add. */
  id: string;
  name: string;
  system: boolean;
  /** Hidden fields are never returned to non-superusers and cannot be filtered on by them. */
  hidden: boolean;
  presentable: boolean;
  required: boolean;
}

export interface TextField extends FieldCommon {
  type: "text";
  min: number;
  max: number;
  pattern: string;
  autogeneratePattern: string;
  primaryKey: boolean;
}
export interface NumberField extends FieldCommon {
  type: "number";
  min: number | null;
  max: number | null;
  onlyInt: boolean;
}
export interface BoolField extends FieldCommon {
  type: "bool";
}
export interface EmailField extends FieldCommon {
  type: "email";
  exceptDomains: string[] | null;
  onlyDomains: string[] | null;
}
export interface UrlField extends FieldCommon {
  type: "url";
  exceptDomains: string[] | null;
  onlyDomains: string[] | null;
}
export interface EditorField extends FieldCommon {
  type: "editor";
  maxSize: number;
  convertURLs: boolean;
}
export interface DateField extends FieldCommon {
  type: "date";
  min: string;
  max: string;
}
export interface AutodateField extends FieldCommon {
  type: "autodate";
  onCreate: boolean;
  onUpdate: boolean;
}
export interface SelectField extends FieldCommon {
  type: "select";
  values: string[];
  maxSelect: number;
}
export interface FileField extends FieldCommon {
  type: "file";
  maxSelect: number;
  maxSize: number;
  mimeTypes: string[] | null;
  thumbs: string[] | null;
  protected: boolean;
}
export interface RelationField extends FieldCommon {
  type: "relation";
  collectionId: string;
  cascadeDelete: boolean;
  minSelect: number;
  maxSelect: number;
}
export interface JsonField extends FieldCommon {
  type: "json";
  maxSize: number;
}
export interface GeoPointField extends FieldCommon {
  type: "geoPoint";
}
export interface PasswordField extends FieldCommon {
  type: "password";
  min: number;
  max: number;
  pattern: string;
  cost: number;
}

export type Field =
  | TextField
  | NumberField
  | BoolField
  | EmailField
  | UrlField
  | EditorField
  | DateField
  | AutodateField
  | SelectField
  | FileField
  | RelationField
  | JsonField
  | GeoPointField
  | PasswordField;

export type FieldOf<T extends FieldType> = Extract<Field, { type: T }>;

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
  created: string;
  updated: string;
}

/** Field value types as held in memory (after coercion, before serialization). */
export type FieldValue = string | number | boolean | null | string[] | GeoPoint | unknown;
export interface GeoPoint {
  lon: number;
  lat: number;
}

/** A record as held in memory: column values keyed by field name (always includes id). */
export type RecordData = Record<string, unknown> & { id: string };

/** Fields whose values are lists: multi select, multi relation, multi file. */
export function isMultiValued(field: Field): boolean {
  return (
    (field.type === "select" || field.type === "relation" || field.type === "file") && field.maxSelect > 1
  );
}

export function findField(collection: Collection, name: string): Field | undefined {
  return collection.fields.find((f) => f.name === name);
}
