import { issue } from "../../errors/api-error.js";
import { jsonFromDb } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldCommon, FieldTypeDef, JsonSchema } from "./field-type.js";
import { byteLength, MAX_SAFE_JSON_INT, maxOptionIssue, minOptionIssue, requiredIssue } from "./issues.js";
import { jsonProblem, MAX_JSON_DEPTH, parseFormJson } from "./json-value.js";
import type { OptionSchema } from "./options.js";

/**
 * The byte limit applied when `maxSize` is 0. PocketBase's current sources use 5 MB (older
 * releases 1 MB); Backroom takes the larger so data accepted by PocketBase is accepted here.
 */
export const DEFAULT_JSON_MAX_SIZE = 5 * 1024 * 1024;

export interface JsonField extends FieldCommon {
  type: "json";
  maxSize: number;
}

const OPTIONS: OptionSchema = {
  maxSize: { kind: "int", default: 0 },
};

export function jsonMaxSize(field: Pick<JsonField, "maxSize">): number {
  return field.maxSize > 0 ? field.maxSize : DEFAULT_JSON_MAX_SIZE;
}

function isEmptyJson(value: unknown): boolean {
  if (value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

export const jsonType: FieldTypeDef<JsonField> = {
  type: "json",

  normalize: (raw) => buildField<JsonField>("json", OPTIONS, raw),

  validateOptions(field) {
    const issues = commonIssues(field, OPTIONS);
    if (Object.keys(issues).length > 0) return issues;
    if (field.maxSize < 0) issues["maxSize"] = minOptionIssue(0);
    if (field.maxSize > MAX_SAFE_JSON_INT) issues["maxSize"] = maxOptionIssue(MAX_SAFE_JSON_INT);
    return issues;
  },

  column: () => ({ storage: "json", default: null }),

  zero: () => null,

  coerce(_field, raw, source = "json") {
    if (raw === undefined) return null;
    return source === "form" && typeof raw === "string" ? parseFormJson(raw) : raw;
  },

  validate(field, value) {
    const problem = jsonProblem(value);
    if (problem === "depth") {
      return issue(
        "validation_invalid_json",
        `Must be a valid json value nested at most ${MAX_JSON_DEPTH} levels.`,
      );
    }
    if (problem) return issue("validation_invalid_json", "Must be a valid json value.");
    const maxSize = jsonMaxSize(field);
    // A string serializes to at least its own length, so huge values are refused before encoding.
    if (typeof value === "string" && value.length > maxSize) return sizeIssue(maxSize);
    if (byteLength(JSON.stringify(value)) > maxSize) return sizeIssue(maxSize);
    return field.required && isEmptyJson(value) ? requiredIssue() : null;
  },

  toDb: (_field, value) => (value === null || value === undefined ? null : JSON.stringify(value)),

  fromDb: (_field, raw, dialect) => jsonFromDb(raw, dialect),

  filter: () => ({ kind: "json" }),

  graphqlType: () => "JSON",

  tsType: () => "unknown",

  jsonSchema(field, shape) {
    const schema: JsonSchema = { description: "Any JSON value." };
    if (shape === "read") return schema;
    schema["description"] = `Any JSON value of at most ${jsonMaxSize(field)} bytes.`;
    // Required: not empty (null, "", [] or {}), as PocketBase counts it.
    return field.required ? { ...schema, not: { enum: [null, "", [], {}] } } : schema;
  },
};

function sizeIssue(maxSize: number) {
  return issue("validation_json_size_limit", `The maximum allowed JSON size is ${maxSize} bytes.`, {
    maxSize,
  });
}
