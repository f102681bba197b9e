import { issue } from "../../errors/api-error.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldCommon, FieldTypeDef, JsonSchema } from "./field-type.js";
import { MAX_SAFE_JSON_INT, requiredIssue } from "./issues.js";
import { type OptionSchema, parseNumeric } from "./options.js";

export interface NumberField extends FieldCommon {
  type: "number";
  min: number | null;
  max: number | null;
  onlyInt: boolean;
}

const OPTIONS: OptionSchema = {
  min: { kind: "numberOrNull", default: null },
  max: { kind: "numberOrNull", default: null },
  onlyInt: { kind: "bool", default: false },
};

const decimalsIssue = () => issue("validation_only_int_constraint", "Decimal numbers are not allowed.");

/** Numbers from JSON stay; form strings are parsed; "" and null mean 0 (PocketBase's zero). */
function coerceNumber(raw: unknown): unknown {
  if (raw === null || raw === undefined) return 0;
  if (typeof raw === "string") return raw.trim() === "" ? 0 : (parseNumeric(raw) ?? raw);
  return raw;
}

/**
 * A create or update value. 0 is PocketBase's "not set": refused when required, else exempt from
 * the bounds (and from `onlyInt`'s safe-integer range).
 */
function inputSchema(field: NumberField): JsonSchema {
  const checks: JsonSchema = field.onlyInt
    ? { type: "integer", minimum: -MAX_SAFE_JSON_INT, maximum: MAX_SAFE_JSON_INT }
    : { type: "number" };
  if (field.min !== null) checks["minimum"] = Math.max(field.min, Number(checks["minimum"] ?? field.min));
  if (field.max !== null) checks["maximum"] = Math.min(field.max, Number(checks["maximum"] ?? field.max));
  if (field.required) return { ...checks, not: { const: 0 } };
  const unbounded = !field.onlyInt && field.min === null && field.max === null;
  return unbounded ? checks : { type: "number", anyOf: [{ const: 0 }, checks] };
}

export const numberType: FieldTypeDef<NumberField> = {
  type: "number",

  normalize: (raw) => buildField<NumberField>("number", OPTIONS, raw),

  validateOptions(field) {
    const issues = commonIssues(field, OPTIONS);
    if (Object.keys(issues).length > 0) return issues;
    if (field.onlyInt && field.min !== null && !Number.isInteger(field.min)) issues["min"] = decimalsIssue();
    if (field.onlyInt && field.max !== null && !Number.isInteger(field.max)) issues["max"] = decimalsIssue();
    else if (field.min !== null && field.max !== null && field.max < field.min) {
      issues["max"] = issue(
        "validation_min_greater_equal_than_required",
        `Must be no less than ${field.min}.`,
        {
          threshold: field.min,
        },
      );
    }
    return issues;
  },

  column: () => ({ storage: "number" }),

  zero: () => 0,

  coerce: (_field, raw) => coerceNumber(raw),

  applyModifier(_field, current, modifier, operand) {
    if (modifier === "prepend") return undefined;
    const base = coerceNumber(current);
    const delta = coerceNumber(operand);
    if (typeof delta !== "number") return operand;
    if (typeof base !== "number") return current;
    return modifier === "append" ? base + delta : base - delta;
  },

  validate(field, value) {
    if (typeof value !== "number") return issue("validation_invalid_number", "Must be a valid number.");
    if (!Number.isFinite(value)) {
      return issue("validation_not_a_number", "The submitted number is not properly formatted.");
    }
    // PocketBase treats 0 as "not set": only `required` applies to it, min/max do not.
    if (value === 0) return field.required ? requiredIssue() : null;
    if (field.onlyInt && !Number.isSafeInteger(value)) return decimalsIssue();
    if (field.min !== null && value < field.min) {
      return issue("validation_min_number_constraint", `Must be larger than ${field.min}.`, {
        min: field.min,
      });
    }
    if (field.max !== null && value > field.max) {
      return issue("validation_max_number_constraint", `Must be less than ${field.max}.`, { max: field.max });
    }
    return null;
  },

  toDb: (_field, value) => value,

  fromDb: (_field, raw) => {
    if (raw === null || raw === undefined) return 0;
    return typeof raw === "number" ? raw : Number(raw);
  },

  filter: () => ({ kind: "scalar", compare: "number" }),

  graphqlType: (_field, shape) => (shape === "read" ? "Float!" : "Float"),

  tsType: () => "number",

  jsonSchema: (field, shape) => (shape === "read" ? { type: "number" } : inputSchema(field)),
};
