import { type FieldIssue, issue } from "../../errors/api-error.js";
import type { SelectField } from "../model.js";
import { isMultiValued } from "../model.js";
import { jsonColumn, textColumn } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldTypeDef } from "./field-type.js";
import { maxOptionIssue, minOptionIssue, requiredIssue } from "./issues.js";
import type { OptionSchema } from "./options.js";
import {
  applyListModifier,
  coerceStringList,
  listForValidation,
  listFromDb,
  listToDb,
} from "./string-list.js";

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

  columnSql: (field, dialect) => (isMultiValued(field) ? jsonColumn(dialect, "[]") : textColumn(dialect)),

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
};
