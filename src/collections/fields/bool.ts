import { issue } from "../../errors/api-error.js";
import type { BoolField } from "../model.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldTypeDef } from "./field-type.js";
import { requiredIssue } from "./issues.js";

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

  columnSql: (_field, dialect) =>
    dialect === "postgres" ? "BOOLEAN DEFAULT FALSE NOT NULL" : "INTEGER DEFAULT 0 NOT NULL",

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
};
