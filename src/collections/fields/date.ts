import { type FieldIssue, issue } from "../../errors/api-error.js";
import { textFromDb } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import { coerceDate, DATE_INPUT_PATTERN, dateFromDb, isCanonicalDate } from "./date-format.js";
import type { FieldCommon, FieldTypeDef, JsonSchema } from "./field-type.js";
import { requiredIssue, unsupportedTypeIssue } from "./issues.js";
import { orEmpty, STORED_DATE_PATTERN, TEXT_FILTER } from "./json-schema.js";
import type { OptionSchema } from "./options.js";

export interface DateField extends FieldCommon {
  type: "date";
  min: string;
  max: string;
}

const OPTIONS: OptionSchema = {
  min: { kind: "string", default: "" },
  max: { kind: "string", default: "" },
};

const invalidDate = () => issue("validation_invalid_date", "Must be a valid date.");

/** A date in any layout the server reads (min and max are checked by the server, not the schema). */
function inputSchema(field: DateField): JsonSchema {
  const bounds = [field.min && `not before ${field.min}`, field.max && `not after ${field.max}`].filter(
    Boolean,
  );
  return {
    type: "string",
    ...orEmpty({ pattern: DATE_INPUT_PATTERN }, field.required),
    description: `A date (stored as YYYY-MM-DD HH:MM:SS.sssZ, UTC)${bounds.length ? `, ${bounds.join(" and ")}` : ""}.`,
  };
}

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

  column: () => ({ storage: "text" }),

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

  filter: () => TEXT_FILTER,

  graphqlType: (_field, shape) => (shape === "read" ? "String!" : "String"),

  tsType: (_field, shape) => (shape === "read" ? "string" : "string | Date"),

  jsonSchema: (field, shape) =>
    shape === "read" ? { type: "string", pattern: STORED_DATE_PATTERN } : inputSchema(field),
};
