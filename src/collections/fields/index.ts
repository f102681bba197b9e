import { issue, validationError } from "../../errors/api-error.js";
import { type AutodateField, autodateType } from "./autodate.js";
import { type BoolField, boolType } from "./bool.js";
import { isFieldType } from "./common.js";
import { type DateField, dateType } from "./date.js";
import { type EditorField, editorType } from "./editor.js";
import { type EmailField, emailType } from "./email.js";
import type { FieldTypeDef, Reference, StoreContext, WriteContext } from "./field-type.js";
import { type FileField, fileType } from "./file.js";
import { type GeoPointField, geoPointType } from "./geo-point.js";
import { type JsonField, jsonType } from "./json.js";
import { type NumberField, numberType } from "./number.js";
import { type PasswordField, passwordType } from "./password.js";
import { type RelationField, relationType } from "./relation.js";
import { type SelectField, selectType } from "./select.js";
import { type TextField, textType } from "./text.js";
import { type UrlField, urlType } from "./url.js";

export type { AutodateField } from "./autodate.js";
export type { BoolField } from "./bool.js";
export type { DateField } from "./date.js";
export { nowString } from "./date-format.js";
export type { EditorField } from "./editor.js";
export type { EmailField } from "./email.js";
export type {
  CoerceSource,
  ColumnSpec,
  FieldCollection,
  FieldCommon,
  FieldTypeDef,
  FilterSpec,
  JsonSchema,
  Modifier,
  OptionsContext,
  Reference,
  Shape,
  StoreContext,
  ValueContext,
  WriteContext,
} from "./field-type.js";
export { type FileField, isFileField } from "./file.js";
export { generateFromPattern } from "./generate-from-pattern.js";
export type { GeoPoint, GeoPointField } from "./geo-point.js";
export type { JsonField } from "./json.js";
export type { NumberField } from "./number.js";
export type { PasswordField } from "./password.js";
export type { RelationField } from "./relation.js";
export { canBeSearchable, isSearchable, type SearchableField, searchableText } from "./searchable.js";
export type { SelectField } from "./select.js";
export { DEFAULT_ID_AUTOGENERATE_PATTERN, DEFAULT_ID_PATTERN, isTextField, type TextField } from "./text.js";
export type { UrlField } from "./url.js";

/** Every field type. A new type is one file in this folder plus its line here and in `Field`. */
export const fieldTypes = {
  text: textType,
  number: numberType,
  bool: boolType,
  email: emailType,
  url: urlType,
  editor: editorType,
  date: dateType,
  autodate: autodateType,
  select: selectType,
  file: fileType,
  relation: relationType,
  json: jsonType,
  geoPoint: geoPointType,
  password: passwordType,
} as const satisfies { [T in FieldType]: FieldTypeDef<Extract<Field, { type: T }>> };

/** A field of any type: common keys plus its type's options. */
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

export type FieldType = Field["type"];

export type FieldOf<T extends FieldType> = Extract<Field, { type: T }>;

/** The definition for a field, typed to that field's own type. */
export function fieldType<F extends Field>(field: F): FieldTypeDef<F> {
  return fieldTypes[field.type as F["type"]] as unknown as FieldTypeDef<F>;
}

/** Fields whose values are lists (multi select, relation, file). */
export function isMultiValued(field: Field): boolean {
  return fieldType(field).multiValued?.(field) ?? false;
}

/** The records a field's value points at (a relation), or undefined. */
export function referenceOf(field: Field): Reference | undefined {
  return fieldType(field).reference?.(field);
}

/** `field` pointing at another collection when it refers to records (else `field` itself). */
export function retarget(field: Field, collectionId: string): Field {
  return fieldType(field).retarget?.(field, collectionId) ?? field;
}

/**
 * Builds a complete field from raw API input, dispatching on `raw.type`. Only the type is checked
 * here (an unknown type throws a 400 ApiError whose data is `{type: issue}`); the options are
 * checked by `fieldType(field).validateOptions` when the collection is saved.
 */
export function normalizeField(raw: Record<string, unknown>): Field {
  const type = Object.hasOwn(raw, "type") ? raw["type"] : undefined;
  if (!isFieldType(type, fieldTypes)) {
    const known = Object.keys(fieldTypes).join(", ");
    const problem = issue(
      "validation_invalid_field_type",
      `Unknown field type ${JSON.stringify(type) ?? "undefined"}; expected one of ${known}.`,
      { type },
    );
    throw validationError("Invalid field type.", { type: problem });
  }
  const id = Object.hasOwn(raw, "id") ? raw["id"] : "";
  const name = Object.hasOwn(raw, "name") ? raw["name"] : "";
  return fieldTypes[type].normalize({
    ...raw,
    id: typeof id === "string" ? id : "",
    name: typeof name === "string" ? name : "",
  });
}

/**
 * Lets every field's type set the values the server owns, before validation (autodate's time,
 * text's autogenerated value). Changes `values` in place; returns the names it set, which an
 * update writes even when the body did not touch them.
 */
export function applyWriteValues(
  fields: readonly Field[],
  values: Record<string, unknown>,
  ctx: WriteContext,
): string[] {
  const set: string[] = [];
  for (const field of fields) {
    const next = fieldType(field).onWrite?.(field, values[field.name], ctx);
    if (next === undefined) continue;
    values[field.name] = next;
    set.push(field.name);
  }
  return set;
}

/**
 * Turns the validated values this write set into their stored form (password → its hash). Runs
 * after validation, so the rules see what the client sent. Changes `values` in place.
 */
export async function storeValues(
  fields: readonly Field[],
  values: Record<string, unknown>,
  changed: ReadonlySet<string>,
  ctx: StoreContext,
): Promise<void> {
  for (const field of fields) {
    const def = fieldType(field);
    if (def.beforeStore && changed.has(field.name))
      values[field.name] = await def.beforeStore(field, values[field.name], ctx);
  }
}
