import { type FieldIssue, issue } from "../../errors/api-error.js";
import type { FileField } from "../model.js";
import { isMultiValued } from "../model.js";
import { jsonColumn, textColumn } from "./columns.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldTypeDef } from "./field-type.js";
import {
  MAX_SAFE_JSON_INT,
  maxOptionIssue,
  minOptionIssue,
  requiredIssue,
  unsupportedTypeIssue,
} from "./issues.js";
import type { OptionSchema } from "./options.js";
import {
  applyListModifier,
  coerceStringList,
  listForValidation,
  listFromDb,
  listToDb,
} from "./string-list.js";

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

  columnSql: (field, dialect) => (isMultiValued(field) ? jsonColumn(dialect, "[]") : textColumn(dialect)),

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
};
