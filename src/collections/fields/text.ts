import { type FieldIssue, issue } from "../../errors/api-error.js";
import { textFromDb } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldCommon, FieldTypeDef, JsonSchema, OptionsContext, ValueContext } from "./field-type.js";
import { generateFromPattern } from "./generate-from-pattern.js";
import {
  MAX_SAFE_JSON_INT,
  maxOptionIssue,
  minOptionIssue,
  requiredIssue,
  runeLength,
  unsupportedTypeIssue,
} from "./issues.js";
import { orEmpty, patternKeyword, TEXT_FILTER } from "./json-schema.js";
import type { OptionSchema } from "./options.js";
import { compilePattern, patternError } from "./regex.js";
import { coerceString } from "./string-value.js";

export interface TextField extends FieldCommon {
  type: "text";
  min: number;
  max: number;
  pattern: string;
  autogeneratePattern: string;
  primaryKey: boolean;
  /** Part of the collection's full-text search index (see `collections/search-options.ts`). */
  searchable: boolean;
}

/** Whether a field is a text field (the primary key and `tokenKey` are). */
export function isTextField(field: FieldCommon): field is TextField {
  return field.type === "text";
}

/** PocketBase applies this many characters as the limit when `max` is 0. */
export const DEFAULT_TEXT_MAX = 5000;
/** The pattern of PocketBase's default record ids, also used to check relation ids. */
export const DEFAULT_ID_PATTERN = "^[a-z0-9]+$";
export const DEFAULT_ID_AUTOGENERATE_PATTERN = "[a-z0-9]{15}";

// A primary key ends up in file paths and URLs, so path separators are refused whatever the pattern says.
const FORBIDDEN_PK_CHARS = ["/", "\\"];
const AUTOGENERATE_TRIALS = 10;

const OPTIONS: OptionSchema = {
  min: { kind: "int", default: 0 },
  max: { kind: "int", default: 0 },
  pattern: { kind: "string", default: "" },
  autogeneratePattern: { kind: "string", default: "" },
  primaryKey: { kind: "bool", default: false },
  searchable: { kind: "bool", default: false },
};

export function textMax(field: Pick<TextField, "max">): number {
  return field.max > 0 ? field.max : DEFAULT_TEXT_MAX;
}

/** The checks that depend only on the string and the options (also used to vet autogenerate patterns). */
function validatePlain(field: TextField, value: string): FieldIssue | null {
  if ((field.required || field.primaryKey) && value === "") return requiredIssue();
  if (value === "") return null;
  const max = textMax(field);
  // UTF-16 length bounds the rune count from above, so the exact count is only needed near the limits.
  const length = value.length > max * 2 || value.length < field.min ? value.length : runeLength(value);
  if (field.min > 0 && length < field.min) {
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
}

function primaryKeyIssues(field: TextField, ctx: OptionsContext): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  if (!field.primaryKey) return issues;
  if (field.name !== "id")
    issues["name"] = issue("validation_in_invalid", 'The primary key must be named "id".');
  const keys = ctx.collection.fields.filter((f) => isTextField(f) && f.primaryKey).length;
  if (keys > 1) {
    issues["primaryKey"] = issue(
      "validation_unsupported_composite_pk",
      "Composite PKs are not supported and the collection must have only 1 PK.",
    );
  }
  if (field.pattern === "") issues["pattern"] = requiredIssue();
  if (field.hidden) issues["hidden"] = issue("validation_empty", "Must be blank.");
  if (!field.required) issues["required"] = requiredIssue();
  return issues;
}

function autogenerateIssue(field: TextField): FieldIssue | null {
  for (let i = 0; i < AUTOGENERATE_TRIALS; i++) {
    let generated: string;
    try {
      generated = generateFromPattern(field.autogeneratePattern);
    } catch (error) {
      return issue("validation_invalid_autogenerate_pattern", (error as Error).message);
    }
    if (validatePlain({ ...field, required: false, primaryKey: false }, generated)) {
      return issue(
        "validation_invalid_autogenerate_pattern_value",
        `The provided autogenerate pattern could produce invalid field values, ex.: ${JSON.stringify(generated)}`,
      );
    }
  }
  return null;
}

function rangeIssues(field: TextField): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  if (field.min < 0) issues["min"] = minOptionIssue(0);
  else if (field.min > MAX_SAFE_JSON_INT) issues["min"] = maxOptionIssue(MAX_SAFE_JSON_INT);
  if (field.max !== 0 && field.max < field.min) issues["max"] = minOptionIssue(field.min);
  else if (field.max < 0) issues["max"] = minOptionIssue(0);
  else if (field.max > MAX_SAFE_JSON_INT) issues["max"] = maxOptionIssue(MAX_SAFE_JSON_INT);
  return issues;
}

function regexIssues(field: TextField): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  const patternProblem = field.pattern === "" ? null : patternError(field.pattern);
  if (patternProblem) issues["pattern"] = issue("validation_invalid_regex", patternProblem);
  if (field.autogeneratePattern !== "") {
    const autogenerateProblem = patternError(field.autogeneratePattern);
    const problem = autogenerateProblem
      ? issue("validation_invalid_regex", autogenerateProblem)
      : patternProblem
        ? null
        : autogenerateIssue(field);
    if (problem) issues["autogeneratePattern"] = problem;
  }
  return issues;
}

/**
 * A create or update value: "" unless the field must hold one (a required field, or a primary key
 * the server does not generate), else within the length limits and the pattern.
 */
function inputSchema(field: TextField): JsonSchema {
  const mustHold = (field.required || field.primaryKey) && field.autogeneratePattern === "";
  const checks: JsonSchema = {
    minLength: Math.max(field.min, mustHold ? 1 : 0),
    maxLength: textMax(field),
    ...patternKeyword(field.pattern),
  };
  if (field.primaryKey) checks["not"] = { pattern: "[/\\\\]" };
  return { type: "string", ...orEmpty(checks, mustHold) };
}

export const textType: FieldTypeDef<TextField> = {
  type: "text",

  normalize: (raw) => buildField<TextField>("text", OPTIONS, raw),

  validateOptions(field, ctx) {
    const issues = commonIssues(field, OPTIONS);
    if (Object.keys(issues).length > 0) return issues;
    return { ...rangeIssues(field), ...regexIssues(field), ...primaryKeyIssues(field, ctx) };
  },

  column: (field) => (field.primaryKey ? { storage: "text", primaryKey: true } : { storage: "text" }),

  zero: () => "",

  coerce: (_field, raw) => coerceString(raw),

  validate(field, value, ctx: ValueContext) {
    if (typeof value !== "string") return unsupportedTypeIssue();
    if (field.primaryKey && !ctx.isNew) {
      if (typeof ctx.previous === "string" && ctx.previous !== value) {
        return issue("validation_pk_change", "The record primary key cannot be changed.");
      }
      // An existing id may predate the current pattern (imported data), so it is not re-checked.
      if (ctx.previous === value && value !== "") return null;
    }
    if (field.primaryKey) {
      const forbidden = FORBIDDEN_PK_CHARS.find((c) => value.includes(c));
      if (forbidden) {
        return issue("validation_pk_forbidden", "The record primary key contains forbidden characters.", {
          forbidden,
        });
      }
    }
    return validatePlain(field, value);
  },

  /** A new record's empty value gets one generated from `autogeneratePattern` (ids, token keys). */
  onWrite: (field, value, ctx) =>
    ctx.isNew && field.autogeneratePattern !== "" && value === ""
      ? generateFromPattern(field.autogeneratePattern)
      : undefined,

  toDb: (_field, value) => value,

  fromDb: (_field, raw) => textFromDb(raw),

  filter: () => TEXT_FILTER,

  requiredOnCreate: (field) => field.required && field.autogeneratePattern === "",

  // A record's primary key never changes, so update bodies leave it out.
  graphqlType: (field, shape) => {
    if (shape === "read") return "String!";
    return shape === "update" && field.primaryKey ? undefined : "String";
  },

  tsType: (field, shape) => (shape === "update" && field.primaryKey ? undefined : "string"),

  jsonSchema(field, shape) {
    if (shape === "read") return { type: "string" };
    return shape === "update" && field.primaryKey ? undefined : inputSchema(field);
  },
};
