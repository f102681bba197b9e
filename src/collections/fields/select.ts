import { type FieldIssue, issue } from "../../errors/api-error.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldCommon, FieldTypeDef, JsonSchema, Shape } from "./field-type.js";
import { stringsGraphqlType } from "./graphql-lists.js";
import { maxOptionIssue, minOptionIssue, requiredIssue } from "./issues.js";
import { listSchema } from "./json-schema.js";
import type { OptionSchema } from "./options.js";
import {
  applyListModifier,
  coerceStringList,
  isList,
  listColumn,
  listFilter,
  listForValidation,
  listFromDb,
  listToDb,
} from "./string-list.js";

export interface SelectField extends FieldCommon {
  type: "select";
  values: string[];
  maxSelect: number;
}

const isMultiValued = isList;

const OPTIONS: OptionSchema = {
  values: { kind: "strings", default: [] },
  maxSelect: { kind: "int", default: 1 },
};

const invalidValue = (value?: string) =>
  value === undefined
    ? issue("validation_invalid_value", "Invalid value.")
    : issue("validation_invalid_value", `Invalid value ${value}.`, { value });

/** Values the select offers: present, non-empty and unique. */
function valuesIssue(values: string[]): FieldIssue | undefined {
  if (values.length === 0) return requiredIssue();
  if (values.some((value) => value === ""))
    return issue("validation_invalid_value", "Values must not be empty.");
  const seen = new Set<string>();
  const duplicate = values.find((value) => seen.size === seen.add(value).size);
  if (duplicate !== undefined) {
    return issue("validation_duplicated_value", `Duplicated value ${duplicate}.`, { value: duplicate });
  }
  return undefined;
}

/**
 * One of the values ("" too, unless required), or a list of them. A stored record may still hold
 * "" after the field became required, so the read shape always allows it.
 */
function valueSchema(field: SelectField, shape: Shape): JsonSchema {
  const required = field.required && shape !== "read";
  // A select without values is refused when its collection is saved; describe it as plain text.
  const item: JsonSchema =
    field.values.length > 0 ? { type: "string", enum: field.values } : { type: "string" };
  if (isMultiValued(field)) {
    return listSchema(item, { maxItems: Math.max(field.maxSelect, 1), minItems: 0, required });
  }
  return required || field.values.length === 0 ? item : { type: "string", enum: [...field.values, ""] };
}

/** The TypeScript literal union of the same. */
function valueTsType(field: SelectField): string {
  const literals = field.values.map((v) => JSON.stringify(v));
  const multi = isMultiValued(field);
  if (literals.length === 0) return multi ? "string[]" : "string";
  if (multi) return `Array<${literals.join(" | ")}>`;
  return (field.required ? literals : [...literals, '""']).join(" | ");
}

export const selectType: FieldTypeDef<SelectField> = {
  type: "select",

  normalize(raw) {
    const field = buildField<SelectField>("select", OPTIONS, raw);
    // PocketBase stores 0 for "single"; Backroom spells single as 1.
    return field.maxSelect === 0 ? { ...field, maxSelect: 1 } : field;
  },

  validateOptions(field) {
    const issues = commonIssues(field, OPTIONS);
    if (Object.keys(issues).length > 0) return issues;
    const values = valuesIssue(field.values);
    if (values) issues["values"] = values;
    if (field.maxSelect < 1) issues["maxSelect"] = minOptionIssue(1);
    else if (field.maxSelect > Math.max(field.values.length, 1)) {
      issues["maxSelect"] = maxOptionIssue(Math.max(field.values.length, 1));
    }
    return issues;
  },

  column: listColumn,

  multiValued: isMultiValued,

  zero: (field) => (isMultiValued(field) ? [] : ""),

  coerce: (field, raw) => coerceStringList(isMultiValued(field), raw),

  applyModifier: (field, current, modifier, operand) =>
    applyListModifier(isMultiValued(field), current, modifier, operand),

  validate(field, value) {
    const list = listForValidation(isMultiValued(field), value);
    if (list === null) return invalidValue();
    if (list.length === 0) return field.required ? requiredIssue() : null;
    const maxSelect = Math.max(field.maxSelect, 1);
    if (list.length > maxSelect) {
      return issue("validation_too_many_values", `Select no more than ${maxSelect}.`, { maxSelect });
    }
    const unknown = list.find((item) => !field.values.includes(item));
    return unknown === undefined ? null : invalidValue(unknown);
  },

  toDb: (field, value) => listToDb(isMultiValued(field), value),

  fromDb: (field, raw, dialect) => listFromDb(isMultiValued(field), raw, dialect),

  filter: listFilter,

  graphqlType: (field, shape) => stringsGraphqlType(isMultiValued(field), shape),

  tsType: valueTsType,

  jsonSchema: valueSchema,
};
