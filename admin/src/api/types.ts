/** The API's collection and record shapes, as far as the admin uses them. */

export const FIELD_TYPES = [
  "text",
  "number",
  "bool",
  "email",
  "url",
  "editor",
  "date",
  "autodate",
  "select",
  "file",
  "relation",
  "json",
  "geoPoint",
  "password",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** A field: common keys plus the options of its type (min, max, values, collectionId…). */
export interface Field {
  id?: string;
  name: string;
  type: FieldType;
  system?: boolean;
  hidden?: boolean;
  presentable?: boolean;
  required?: boolean;
  [option: string]: unknown;
}

export type CollectionType = "base" | "auth" | "view";

export interface Collection {
  id: string;
  name: string;
  type: CollectionType;
  system: boolean;
  fields: Field[];
  indexes: string[];
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
  viewQuery?: string;
  authRule?: string | null;
  manageRule?: string | null;
  authToken?: { duration: number };
  passwordAuth?: { enabled: boolean; identityFields: string[] };
  created: string;
  updated: string;
}

export type RecordModel = Record<string, unknown> & {
  id: string;
  collectionId: string;
  collectionName: string;
};

export const RULE_KEYS = ["listRule", "viewRule", "createRule", "updateRule", "deleteRule"] as const;
export type RuleKey = (typeof RULE_KEYS)[number] | "authRule" | "manageRule";

/** Whether a field holds a list (multi select, relation, file). */
export function isMultiple(field: Field): boolean {
  return (
    (field.type === "select" || field.type === "relation" || field.type === "file") &&
    Number(field.maxSelect ?? 1) > 1
  );
}
