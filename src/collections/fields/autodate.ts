import { issue } from "../../errors/api-error.js";
import type { AutodateField } from "../model.js";
import { textColumn, textFromDb } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import { coerceDate, dateFromDb } from "./date-format.js";
import type { FieldTypeDef } from "./field-type.js";
import type { OptionSchema } from "./options.js";

/**
 * Autodate values are never taken from clients: the records layer sets `nowString()` on create
 * (when `onCreate`) and on update (when `onUpdate`) and drops any submitted value. `coerce` only
 * normalises dates set by trusted code (hooks, imports), and `validate` accepts anything, as in
 * PocketBase.
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

  columnSql: (_field, dialect) => textColumn(dialect),

  zero: () => "",

  coerce: (_field, raw) => coerceDate(raw),

  validate: () => null,

  toDb: (_field, value) => (typeof value === "string" ? value : ""),

  fromDb: (_field, raw) => {
    if (raw instanceof Date) return coerceDate(raw);
    return dateFromDb(textFromDb(raw));
  },
};
