import type { Collection, Field } from "../api/types";
import { autodate } from "./autodate";
import { bool } from "./bool";
import { date } from "./date";
import { editor } from "./editor";
import { email } from "./email";
import { type AdminFieldType, displayText } from "./field-type";
import { file } from "./file";
import { geoPoint } from "./geo-point";
import { json } from "./json";
import { number } from "./number";
import { password } from "./password";
import { relation } from "./relation";
import { select } from "./select";
import { text } from "./text";
import { unknown } from "./unknown";
import { url } from "./url";

/** Every field type the admin edits, by the API's type name, in the order the type picker lists them. */
export const FIELD_TYPES: Readonly<Record<string, AdminFieldType>> = {
  text,
  number,
  bool,
  email,
  url,
  editor,
  date,
  autodate,
  select,
  file,
  relation,
  json,
  geoPoint,
  password,
};

/** The admin's definition of a field's type (a type this admin doesn't know is shown read-only). */
export function fieldTypeOf(field: Pick<Field, "type">): AdminFieldType {
  return Object.hasOwn(FIELD_TYPES, field.type) ? (FIELD_TYPES[field.type] as AdminFieldType) : unknown;
}

/** Fields shown as table columns: everything but secrets and system-hidden ones; server-set last. */
export function columnFields(collection: Collection): Field[] {
  const shown = collection.fields.filter((f) => !fieldTypeOf(f).secret && !(f.hidden && f.system));
  const last = (f: Field) => fieldTypeOf(f).serverSet === true;
  return [...shown.filter((f) => !last(f)), ...shown.filter(last)];
}

/** Fields a person edits in the record form (server-set ones and the auth token key are not). */
export function editableFields(collection: Collection): Field[] {
  return collection.fields.filter((f) => !fieldTypeOf(f).serverSet && !(f.system && f.name === "tokenKey"));
}

/** A value as short text for a table cell or a CSV column. */
export function displayValue(field: Field, value: unknown): string {
  const def = fieldTypeOf(field);
  return def.display ? def.display(field, value) : displayText(value);
}

/** The field that best names a record in pickers: a presentable one, else a visible text-ish one, else id. */
export function labelField(collection: Collection): string {
  return labelFields(collection)[0] ?? "id";
}

/** The fields that name a record: every presentable one, else the first visible text-ish one, else id. */
export function labelFields(collection: Collection): string[] {
  const presentable = collection.fields.filter((f) => f.presentable && !fieldTypeOf(f).secret);
  if (presentable.length) return presentable.map((f) => f.name);
  const named = collection.fields.find((f) => fieldTypeOf(f).namesRecords && f.name !== "id" && !f.hidden);
  return [named?.name ?? "id"];
}

/** A record named by its presentable fields (as short text, joined), or its id when they are empty. */
export function recordLabel(collection: Collection, record: Record<string, unknown>): string {
  const byName = new Map(collection.fields.map((f) => [f.name, f]));
  const parts = labelFields(collection)
    .map((name) => {
      const field = byName.get(name);
      return field ? displayValue(field, record[name]) : String(record[name] ?? "");
    })
    .filter(Boolean);
  return parts.length ? parts.join(" · ") : String(record.id ?? "");
}

/** The relation fields of a collection, as the `expand` list that brings their records along. */
export function relationExpand(collection: Collection): string {
  return collection.fields
    .filter((f) => fieldTypeOf(f).target?.(f) !== undefined)
    .map((f) => f.name)
    .join(",");
}
