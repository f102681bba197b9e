import { issue } from "../../errors/api-error.js";
import { textFromDb } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import { coerceDate, dateFromDb } from "./date-format.js";
import type { FieldCommon, FieldTypeDef } from "./field-type.js";
import { STORED_DATE_PATTERN, TEXT_FILTER } from "./json-schema.js";
import type { OptionSchema } from "./options.js";

export interface AutodateField extends FieldCommon {
  type: "autodate";
  onCreate: boolean;
  onUpdate: boolean;
}

/**
 * Autodate values are never taken from clients: `onWrite` sets the write's time on create (when
 * `onCreate`) and on update (when `onUpdate`), and the records layer drops any submitted value
 * (`serverSet`). `coerce` only normalises dates set by trusted code (hooks, imports), and
 * `validate` accepts anything, as in PocketBase.
 */
const OPTIONS: OptionSchema = {
  onCreate: { kind: "bool", default: true },
  onUpdate: { kind: "bool", default: false },
};

export const autodateType: FieldTypeDef<AutodateField> = {
  type: "autodate",

  normalize: (raw) => buildField<AutodateField>("autodate", OPTIONS, raw),

  validateOptions(field) {
    const issues = commonIssues(field, OPTIONS);
    if (Object.keys(issues).length > 0) return issues;
    if (!field.onCreate && !field.onUpdate) {
      const message = "either onCreate or onUpdate must be enabled";
      issues["onCreate"] = issue("validation_required", message);
      issues["onUpdate"] = issue("validation_required", message);
    }
    return issues;
  },

  column: () => ({ storage: "text" }),

  zero: () => "",

  coerce: (_field, raw) => coerceDate(raw),

  validate: () => null,

  serverSet: true,

  onWrite: (field, _value, ctx) => ((ctx.isNew ? field.onCreate : field.onUpdate) ? ctx.now : undefined),

  toDb: (_field, value) => (typeof value === "string" ? value : ""),

  fromDb: (_field, raw) => {
    if (raw instanceof Date) return coerceDate(raw);
    return dateFromDb(textFromDb(raw));
  },

  filter: () => TEXT_FILTER,

  graphqlType: (_field, shape) => (shape === "read" ? "String!" : undefined),

  tsType: (_field, shape) => (shape === "read" ? "string" : undefined),

  jsonSchema: (_field, shape) =>
    shape === "read" ? { type: "string", pattern: STORED_DATE_PATTERN, readOnly: true } : undefined,
};
