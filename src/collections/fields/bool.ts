import { issue } from "../../errors/api-error.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldCommon, FieldTypeDef } from "./field-type.js";
import { requiredIssue } from "./issues.js";

export interface BoolField extends FieldCommon {
  type: "bool";
}

// Form checkboxes send "on"; the rest are what clients commonly write for booleans.
const TRUE_WORDS = new Set(["true", "1", "on", "t", "yes"]);
const FALSE_WORDS = new Set(["false", "0", "off", "f", "no", ""]);

function coerceBool(raw: unknown): unknown {
  if (raw === null || raw === undefined) return false;
  if (typeof raw === "boolean") return raw;
  if (raw === 1 || raw === 0) return raw === 1;
  if (typeof raw === "string") {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  return raw;
}

export const boolType: FieldTypeDef<BoolField> = {
  type: "bool",

  normalize: (raw) => buildField<BoolField>("bool", {}, raw),

  validateOptions: (field) => commonIssues(field, {}),

  column: () => ({ storage: "bool" }),

  zero: () => false,

  coerce: (_field, raw) => coerceBool(raw),

  validate(field, value) {
    if (typeof value !== "boolean") return issue("validation_invalid_bool", "Must be a boolean.");
    // PocketBase: a required bool must be true.
    return field.required && !value ? requiredIssue() : null;
  },

  toDb: (_field, value, dialect) => (dialect === "postgres" ? value === true : value === true ? 1 : 0),

  fromDb: (_field, raw) =>
    raw === true || raw === 1 || raw === 1n || raw === "1" || raw === "t" || raw === "true",

  filter: () => ({ kind: "scalar", compare: "bool" }),

  graphqlType: (_field, shape) => (shape === "read" ? "Boolean!" : "Boolean"),

  tsType: () => "boolean",

  // A required bool must be true (PocketBase).
  jsonSchema: (field, shape) =>
    shape !== "read" && field.required ? { type: "boolean", const: true } : { type: "boolean" },
};
