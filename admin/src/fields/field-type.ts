import type { ComponentChildren, JSX } from "preact";
import type { Collection, Field, RecordModel } from "../api/types";

/**
 * What the admin knows about one field type: its option editors, its control in the record form,
 * its table cell and text, and how a form value becomes a request body. Each type lives in
 * `fields/<type>/` and is found through `fields/registry.ts`; nothing else switches on `field.type`.
 */
export interface AdminFieldType {
  /** The type's options in the collection form (PocketBase's names), edited by `FieldOptions`. */
  options: OptionSpec[];
  /** Option values of a new field of this type (what the API would assume). */
  defaults?: Record<string, unknown>;
  /** The control in the record form, with its label and the API's message for it. */
  Input(props: InputProps): JSX.Element;
  /** The table cell; default: `display` as text. */
  Cell?(props: CellProps): JSX.Element;
  /** A value as short text for a table cell or a CSV column; default: `displayText`. */
  display?(field: Field, value: unknown): string;
  /** The form's value for a record, or for a new one (`record` null); default: the record's value or "". */
  formValue?(field: Field, record: RecordModel | null): unknown;
  /** What the form value adds to the request body; default: `{ json: { [name]: value } }`. */
  toBody?(field: Field, value: unknown): BodyPart;
  /** Body keys whose API messages belong next to this field; default: its name. */
  errorKeys?(field: Field): string[];
  /** An example value for the API preview; undefined leaves the field out (uploads, server-set). */
  sample(field: Field): unknown;
  /** Whether values are lists (`:length` in rules). */
  multiple?(field: Field): boolean;
  /** The collection the values point at (relations), for rule completion through it. */
  target?(field: Field): string | undefined;
  /** The server sets the value (autodate): not in the record form, listed last in the table. */
  serverSet?: boolean;
  /** Never shown (password): not a table column. */
  secret?: boolean;
  /** An empty input keeps the stored value on edit (password), so it is not marked required there. */
  keepsWhenBlank?: boolean;
  /** Good text to name a record by in pickers (text, email). */
  namesRecords?: boolean;
}

export interface InputProps {
  /** The control's id; its label and messages hang off it. */
  id: string;
  label: ComponentChildren;
  collection: Collection;
  /** null: a new record. */
  record: RecordModel | null;
  field: Field;
  value: unknown;
  onChange(value: unknown): void;
  /** The message for a body key (the field's name, or another key it sends, e.g. passwordConfirm). */
  errorOf(key: string): string | undefined;
  /** The field that best names a record of `collection` (for pickers of related records). */
  labelFieldOf(collection: Collection): string;
  /** A record of `collection` as its presentable fields' text (related records' chips). */
  recordLabelOf(collection: Collection, record: Record<string, unknown>): string;
}

export interface CellProps {
  collection: Collection;
  record: RecordModel;
  field: Field;
  value: unknown;
  /** A record of `collection` as its presentable fields' text (related records in a cell). */
  recordLabelOf(collection: Collection, record: Record<string, unknown>): string;
}

/** What one field of the record form adds to the request body. */
export interface BodyPart {
  /** JSON keys: the field's name, modifiers (`docs-`), or keys it brings (`passwordConfirm`). */
  json?: Record<string, unknown>;
  /** Uploads, as multipart parts `[part name, file]`. */
  files?: [string, File][];
  /** A message shown next to the field instead of sending the form. */
  error?: string;
}

export type OptionKind = "int" | "nullableNumber" | "text" | "bool" | "list" | "collection";

export interface OptionSpec {
  key: string;
  label: string;
  kind: OptionKind;
  hint?: string;
}

/** A value as short text: lists joined, objects as JSON, booleans spelled out. */
export function displayText(value: unknown): string {
  if (value === null || value === undefined || value === "") return "";
  if (Array.isArray(value)) return value.map(displayText).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

/** Whether a select, relation or file field holds a list. */
export const holdsList = (field: Field): boolean => Number(field.maxSelect ?? 1) > 1;

/** A stored value as a list of strings (one value, a list, or nothing). */
export const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []) as string[];
