import { type FieldIssue, issue } from "../../errors/api-error.js";
import type { DateField } from "../model.js";
import { textColumn, textFromDb } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import { coerceDate, dateFromDb, isCanonicalDate } from "./date-format.js";
import type { FieldTypeDef } from "./field-type.js";
import { requiredIssue, unsupportedTypeIssue } from "./issues.js";
import type { OptionSchema } from "./options.js";

const OPTIONS: OptionSchema = {
  min: { kind: "string", default: "" },
  max: { kind: "string", default: "" },
};

const invalidDate = () => issue("validation_invalid_date", "Must be a valid date.");

export const dateType: FieldTypeDef<DateField> = {
  type: "date",

  normalize(raw) {
    const field = buildField<DateField>("date", OPTIONS, raw);
    // Bounds are compared as strings with values, so they are kept in the same layout.
    const min = coerceDate(field.min);
    const max = coerceDate(field.max);
    return { ...field, min, max } as DateField;
  },

  validateOptions(field) {
    const issues = commonIssues(field, OPTIONS);
    if (Object.keys(issues).length > 0) return issues;
    const bounds: Record<string, FieldIssue> = {};
    if (field.min !== "" && !isCanonicalDate(field.min)) bounds["min"] = invalidDate();
    if (field.max !== "" && !isCanonicalDate(field.max)) bounds["max"] = invalidDate();
    else if (field.min !== "" && field.max !== "" && !bounds["min"] && field.max < field.min) {
      bounds["max"] = issue("validation_date_invalid", "The max date must not be before the min date.", {
        min: field.min,
      });
    }
    return bounds;
  },

  columnSql: (_field, dialect) => textColumn(dialect),

  zero: () => "",

  coerce: (_field, raw) => coerceDate(raw),

  validate(field, value) {
    if (typeof value !== "string") return unsupportedTypeIssue();
    if (value === "") return field.required ? requiredIssue() : null;
    if (!isCanonicalDate(value)) return invalidDate();
    if (field.min !== "" && value < field.min) {
      return issue("validation_min_greater_equal_than_required", `Must be no less than ${field.min}.`, {
        threshold: field.min,
      });
    }
    if (field.max !== "" && value > field.max) {
      return issue("validation_max_less_equal_than_required", `Must be no greater than ${field.max}.`, {
        threshold: field.max,
      });
    }
    return null;
  },

  toDb: (_field, value) => value,

  fromDb: (_field, raw) => {
    if (raw instanceof Date) return coerceDate(raw);
    return dateFromDb(textFromDb(raw));
  },
};
