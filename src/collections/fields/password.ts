import { issue } from "../../errors/api-error.js";
import { textFromDb } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldCommon, FieldTypeDef } from "./field-type.js";
import { maxOptionIssue, minOptionIssue, requiredIssue, runeLength, unsupportedTypeIssue } from "./issues.js";
import { orEmpty, patternKeyword, TEXT_FILTER } from "./json-schema.js";
import type { OptionSchema } from "./options.js";
import { compilePattern, patternError } from "./regex.js";
import { coerceString } from "./string-value.js";

export interface PasswordField extends FieldCommon {
  type: "password";
  min: number;
  max: number;
  pattern: string;
  cost: number;
}

/**
 * Password values are the plain password on input; `beforeStore` hashes a new one once it is
 * valid (in any collection, as PocketBase does), and `secret` keeps the hash out of API output.
 * A stored hash is not validated again on updates that leave it alone. Lengths count characters
 * like PocketBase.
 *
 * PocketBase caps passwords at 71 because bcrypt ignores bytes past 72. Backroom hashes with
 * argon2, which has no such cut-off, so `max` may be set up to MAX_PASSWORD_LENGTH; 0 still means
 * PocketBase's 71 so existing apps behave the same.
 */
export const DEFAULT_PASSWORD_MIN = 8;
export const DEFAULT_PASSWORD_MAX = 71;
export const MAX_PASSWORD_LENGTH = 1024;
/** bcrypt's cost range, kept so PocketBase collection exports validate; 0 means the hasher's default. */
const MIN_COST = 4;
const MAX_COST = 31;

const OPTIONS: OptionSchema = {
  min: { kind: "int", default: DEFAULT_PASSWORD_MIN },
  max: { kind: "int", default: 0 },
  pattern: { kind: "string", default: "" },
  cost: { kind: "int", default: 0 },
};

export function passwordMax(field: Pick<PasswordField, "max">): number {
  return field.max > 0 ? field.max : DEFAULT_PASSWORD_MAX;
}

export const passwordType: FieldTypeDef<PasswordField> = {
  type: "password",

  normalize: (raw) => buildField<PasswordField>("password", OPTIONS, raw),

  validateOptions(field) {
    const issues = commonIssues(field, OPTIONS);
    if (Object.keys(issues).length > 0) return issues;
    if (field.min < 0) issues["min"] = minOptionIssue(0);
    else if (field.min > MAX_PASSWORD_LENGTH) issues["min"] = maxOptionIssue(MAX_PASSWORD_LENGTH);
    if (field.max !== 0 && field.max < field.min) issues["max"] = minOptionIssue(field.min);
    else if (field.max < 0) issues["max"] = minOptionIssue(0);
    else if (field.max > MAX_PASSWORD_LENGTH) issues["max"] = maxOptionIssue(MAX_PASSWORD_LENGTH);
    if (field.cost !== 0 && field.cost < MIN_COST) issues["cost"] = minOptionIssue(MIN_COST);
    else if (field.cost > MAX_COST) issues["cost"] = maxOptionIssue(MAX_COST);
    const problem = field.pattern === "" ? null : patternError(field.pattern);
    if (problem) issues["pattern"] = issue("validation_invalid_regex", problem);
    return issues;
  },

  column: () => ({ storage: "text" }),

  zero: () => "",

  coerce: (_field, raw) => coerceString(raw),

  validate(field, value, ctx) {
    if (!ctx.isNew && ctx.changed === false) return null;
    if (typeof value !== "string") return unsupportedTypeIssue();
    if (value === "") return field.required ? requiredIssue() : null;
    const max = passwordMax(field);
    const length = value.length > max * 2 ? value.length : runeLength(value);
    if (length < field.min) {
      return issue("validation_min_text_constraint", `Must be at least ${field.min} character(s).`, {
        min: field.min,
      });
    }
    if (length > max) {
      return issue("validation_max_text_constraint", `Must be no more than ${max} character(s).`, { max });
    }
    if (field.pattern !== "" && !compilePattern(field.pattern)?.test(value)) {
      return issue("validation_invalid_format", "Invalid value format.");
    }
    return null;
  },

  secret: true,

  beforeStore: async (_field, value, ctx) =>
    typeof value === "string" && value !== "" ? ctx.hashPassword(value) : value,

  toDb: (_field, value) => value,

  fromDb: (_field, raw) => textFromDb(raw),

  filter: () => TEXT_FILTER,

  graphqlType: (_field, shape) => (shape === "read" ? undefined : "String"),

  tsType: (_field, shape) => (shape === "read" ? undefined : "string"),

  jsonSchema(field, shape) {
    if (shape === "read") return undefined;
    const checks = {
      minLength: Math.max(field.min, 1),
      maxLength: passwordMax(field),
      ...patternKeyword(field.pattern),
    };
    return { type: "string", writeOnly: true, ...orEmpty(checks, field.required) };
  },
};
