import { type FieldIssue, issue } from "../../errors/api-error.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldCommon, FieldTypeDef, JsonSchema, Shape } from "./field-type.js";
import { stringsGraphqlType } from "./graphql-lists.js";
import {
  MAX_SAFE_JSON_INT,
  maxOptionIssue,
  minOptionIssue,
  requiredIssue,
  unsupportedTypeIssue,
} from "./issues.js";
import { listSchema } from "./json-schema.js";
import type { OptionSchema } from "./options.js";
import {
  applyListModifier,
  coerceStringList,
  isList,
  listColumn,
  listFilter,
  listForValidation,
  listFromDb,
  listToDb,
} from "./string-list.js";

export interface FileField extends FieldCommon {
  type: "file";
  maxSelect: number;
  maxSize: number;
  mimeTypes: string[] | null;
  thumbs: string[] | null;
  protected: boolean;
}

const isMultiValued = isList;

/** Whether a field is a file field (uploads, storage and thumbnails are about these). */
export function isFileField(field: FieldCommon): field is FileField {
  return field.type === "file";
}

/**
 * File fields store file names only. This module covers options and the stored names; uploads
 * (size and MIME checks, and refusing names that were not uploaded or already present) belong to
 * the upload layer, which turns uploaded files into names before `validate` runs.
 */

/** PocketBase applies this per-file byte limit when `maxSize` is 0. */
export const DEFAULT_FILE_MAX_SIZE = 5 * 1024 * 1024;
const MAX_FILENAME_LENGTH = 150;
// No leading dot and no path separators: names become paths in the storage.
const FILENAME = /^[^./\\][^/\\]*$/;
const THUMB = /^\d+x\d+[tbf]?$/;
const EMPTY_THUMB = /^0x0[tbf]?$/;
const MIME_TYPE = /^[\w.+-]+\/[\w.+*-]+$/;

const OPTIONS: OptionSchema = {
  maxSelect: { kind: "int", default: 1 },
  maxSize: { kind: "int", default: 0 },
  mimeTypes: { kind: "stringsOrNull", default: null },
  thumbs: { kind: "stringsOrNull", default: null },
  protected: { kind: "bool", default: false },
};

export function fileMaxSize(field: Pick<FileField, "maxSize">): number {
  return field.maxSize > 0 ? field.maxSize : DEFAULT_FILE_MAX_SIZE;
}

export function isValidFilename(name: string): boolean {
  return name.length <= MAX_FILENAME_LENGTH && FILENAME.test(name);
}

function listEntryIssue(list: string[] | null, valid: (entry: string) => boolean): FieldIssue | undefined {
  const bad = list?.find((entry) => !valid(entry));
  return bad === undefined
    ? undefined
    : issue("validation_match_invalid", `Invalid value ${bad}.`, { value: bad });
}

/**
 * Read: stored file names. Create and update: multipart parts (an upload, or on update the name of
 * a file the record keeps), each within `maxSize` and `mimeTypes` (checked by the server).
 */
function valueSchema(field: FileField, shape: Shape): JsonSchema {
  const name = { type: "string", minLength: 1 };
  if (shape === "read") return isMultiValued(field) ? { type: "array", items: name } : { type: "string" };
  const part: JsonSchema = {
    type: "string",
    contentMediaType: "application/octet-stream",
    description: `An uploaded file of at most ${fileMaxSize(field)} bytes${field.mimeTypes?.length ? ` (${field.mimeTypes.join(", ")})` : ""}, or the name of a file the record has.`,
  };
  if (!isMultiValued(field)) return field.required ? { ...part, minLength: 1 } : part;
  return listSchema(part, { maxItems: Math.max(field.maxSelect, 1), minItems: 0, required: field.required });
}

export const fileType: FieldTypeDef<FileField> = {
  type: "file",

  normalize(raw) {
    const field = buildField<FileField>("file", OPTIONS, raw);
    // PocketBase stores 0 for "single"; Backroom spells single as 1.
    return field.maxSelect === 0 ? { ...field, maxSelect: 1 } : field;
  },

  validateOptions(field) {
    const issues = commonIssues(field, OPTIONS);
    if (Object.keys(issues).length > 0) return issues;
    if (field.maxSelect < 1) issues["maxSelect"] = minOptionIssue(1);
    else if (field.maxSelect > MAX_SAFE_JSON_INT) issues["maxSelect"] = maxOptionIssue(MAX_SAFE_JSON_INT);
    if (field.maxSize < 0) issues["maxSize"] = minOptionIssue(0);
    else if (field.maxSize > MAX_SAFE_JSON_INT) issues["maxSize"] = maxOptionIssue(MAX_SAFE_JSON_INT);
    const thumbs = listEntryIssue(field.thumbs, (thumb) => THUMB.test(thumb) && !EMPTY_THUMB.test(thumb));
    if (thumbs) issues["thumbs"] = thumbs;
    const mimeTypes = listEntryIssue(field.mimeTypes, (type) => MIME_TYPE.test(type));
    if (mimeTypes) issues["mimeTypes"] = mimeTypes;
    return issues;
  },

  column: listColumn,

  multiValued: isMultiValued,

  zero: (field) => (isMultiValued(field) ? [] : ""),

  coerce: (field, raw) => coerceStringList(isMultiValued(field), raw),

  applyModifier: (field, current, modifier, operand) =>
    applyListModifier(isMultiValued(field), current, modifier, operand),

  validate(field, value) {
    const names = listForValidation(isMultiValued(field), value);
    if (names === null) return unsupportedTypeIssue();
    if (names.length === 0) return field.required ? requiredIssue() : null;
    const maxSelect = Math.max(field.maxSelect, 1);
    if (names.length > maxSelect) {
      return issue("validation_too_many_files", `The maximum allowed files is ${maxSelect}.`, { maxSelect });
    }
    const invalidFiles = names.filter((name) => !isValidFilename(name)).map((name) => name.slice(0, 250));
    if (invalidFiles.length > 0) {
      return issue("validation_invalid_file", `Invalid files: ${invalidFiles.join(", ")}.`, { invalidFiles });
    }
    return null;
  },

  toDb: (field, value) => listToDb(isMultiValued(field), value),

  fromDb: (field, raw, dialect) => listFromDb(isMultiValued(field), raw, dialect),

  filter: listFilter,

  // New uploads; an update may also keep existing files by name.
  graphqlType: (field, shape) =>
    // Uploads are multipart bodies: the records API takes them, GraphQL only reads the names.
    shape === "read" ? stringsGraphqlType(isMultiValued(field), shape) : undefined,

  tsType: (field, shape) => {
    if (shape === "read") return isMultiValued(field) ? "string[]" : "string";
    return isMultiValued(field) ? "Array<Blob | string>" : "Blob | string";
  },

  jsonSchema: valueSchema,
};
