import { issue } from "../../errors/api-error.js";
import { textFromDb } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldCommon, FieldTypeDef } from "./field-type.js";
import {
  byteLength,
  MAX_SAFE_JSON_INT,
  maxOptionIssue,
  minOptionIssue,
  requiredIssue,
  unsupportedTypeIssue,
} from "./issues.js";
import { TEXT_FILTER } from "./json-schema.js";
import type { OptionSchema } from "./options.js";
import { coerceString } from "./string-value.js";

export interface EditorField extends FieldCommon {
  type: "editor";
  maxSize: number;
  convertURLs: boolean;
  /** Part of the collection's full-text search index (see `collections/search-options.ts`). */
  searchable: boolean;
}

/** PocketBase applies this byte limit when `maxSize` is 0. */
export const DEFAULT_EDITOR_MAX_SIZE = 5 * 1024 * 1024;

const OPTIONS: OptionSchema = {
  maxSize: { kind: "int", default: 0 },
  convertURLs: { kind: "bool", default: false },
  searchable: { kind: "bool", default: false },
};

export function editorMaxSize(field: Pick<EditorField, "maxSize">): number {
  return field.maxSize > 0 ? field.maxSize : DEFAULT_EDITOR_MAX_SIZE;
}

export const editorType: FieldTypeDef<EditorField> = {
  type: "editor",

  normalize: (raw) => buildField<EditorField>("editor", OPTIONS, raw),

  validateOptions(field) {
    const issues = commonIssues(field, OPTIONS);
    if (Object.keys(issues).length > 0) return issues;
    if (field.maxSize < 0) issues["maxSize"] = minOptionIssue(0);
    if (field.maxSize > MAX_SAFE_JSON_INT) issues["maxSize"] = maxOptionIssue(MAX_SAFE_JSON_INT);
    return issues;
  },

  column: () => ({ storage: "text" }),

  zero: () => "",

  coerce: (_field, raw) => coerceString(raw),

  validate(field, value) {
    if (typeof value !== "string") return unsupportedTypeIssue();
    if (value === "") return field.required ? requiredIssue() : null;
    const maxSize = editorMaxSize(field);
    // Each UTF-16 unit is at most 3 UTF-8 bytes, so short strings skip the byte count.
    if (value.length * 3 > maxSize && byteLength(value) > maxSize) {
      return issue("validation_content_size_limit", `The maximum allowed content size is ${maxSize} bytes.`, {
        maxSize,
      });
    }
    return null;
  },

  toDb: (_field, value) => value,

  fromDb: (_field, raw) => textFromDb(raw),

  filter: () => TEXT_FILTER,

  graphqlType: (_field, shape) => (shape === "read" ? "String!" : "String"),

  tsType: () => "string",

  // The limit is in UTF-8 bytes; a character is at least one, so maxLength is a looser bound.
  jsonSchema: (field, shape) => {
    if (shape === "read") return { type: "string" };
    const maxSize = editorMaxSize(field);
    const checks = { minLength: field.required ? 1 : 0, maxLength: maxSize };
    return { type: "string", ...checks, description: `HTML, at most ${maxSize} bytes of UTF-8.` };
  },
};
