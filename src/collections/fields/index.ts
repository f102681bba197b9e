import { issue, validationError } from "../../errors/api-error.js";
import type { Field } from "../model.js";
import { autodateType } from "./autodate.js";
import { boolType } from "./bool.js";
import { isFieldType } from "./common.js";
import { dateType } from "./date.js";
import { editorType } from "./editor.js";
import { emailType } from "./email.js";
import type { FieldTypeDef, FieldTypeRegistry } from "./field-type.js";
import { fileType } from "./file.js";
import { geoPointType } from "./geo-point.js";
import { jsonType } from "./json.js";
import { numberType } from "./number.js";
import { passwordType } from "./password.js";
import { relationType } from "./relation.js";
import { selectType } from "./select.js";
import { textType } from "./text.js";
import { urlType } from "./url.js";

export { nowString } from "./date-format.js";
export type {
  CoerceSource,
  FieldTypeDef,
  FieldTypeRegistry,
  Modifier,
  OptionsContext,
  ValueContext,
} from "./field-type.js";
export { generateFromPattern } from "./generate-from-pattern.js";
export { DEFAULT_ID_AUTOGENERATE_PATTERN, DEFAULT_ID_PATTERN } from "./text.js";

export const fieldTypes: FieldTypeRegistry = {
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
};

/** The definition for a field, typed to that field's own type. */
export function fieldType<F extends Field>(field: F): FieldTypeDef<F> {
  return fieldTypes[field.type as F["type"]] as unknown as FieldTypeDef<F>;
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
