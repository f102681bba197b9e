import { type FieldIssue, issue } from "../../errors/api-error.js";
import { buildField, commonIssues } from "./common.js";
import type { FieldCommon, FieldTypeDef, JsonSchema, OptionsContext, ValueContext } from "./field-type.js";
import { stringsGraphqlType } from "./graphql-lists.js";
import { minOptionIssue, requiredIssue, unsupportedTypeIssue } from "./issues.js";
import { listSchema } from "./json-schema.js";
import type { OptionSchema } from "./options.js";
import { compilePattern } from "./regex.js";
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
import { isTextField } from "./text.js";

export interface RelationField extends FieldCommon {
  type: "relation";
  collectionId: string;
  cascadeDelete: boolean;
  minSelect: number;
  maxSelect: number;
}

const isMultiValued = isList;

const OPTIONS: OptionSchema = {
  collectionId: { kind: "string", default: "" },
  cascadeDelete: { kind: "bool", default: false },
  minSelect: { kind: "int", default: 0 },
  maxSelect: { kind: "int", default: 1 },
};

const DEFAULT_ID = /^[a-z0-9]{15}$/;
// Mirrors the primary key rule in text.ts: ids never contain path separators.
const FORBIDDEN_ID_CHARS = /[/\\]/;
const MAX_ID_LENGTH = 255;

function collectionIdIssue(field: RelationField, ctx: OptionsContext): FieldIssue | undefined {
  if (field.collectionId === "") return requiredIssue();
  if (field.collectionId === ctx.collection.id) return undefined; // self-relation, possibly not saved yet
  const target = ctx.getCollection(field.collectionId);
  // PocketBase requires the id itself, not the name, so a rename cannot break the reference.
  if (!target || target.id !== field.collectionId) {
    return issue("validation_field_relation_missing_collection", "The relation collection doesn't exist.");
  }
  if (ctx.collection.type !== "view" && target.type === "view") {
    return issue(
      "validation_relation_field_non_view_base_collection",
      "Only view collections are allowed to have relations to other views.",
    );
  }
  return undefined;
}

/** The target's id check: its id field's pattern when known, else PocketBase's default id shape. */
function idChecker(field: RelationField, ctx: ValueContext): (id: string) => boolean {
  const target = ctx.getCollection?.(field.collectionId);
  const idField = target?.fields.find((f) => f.name === "id");
  const pattern =
    idField && isTextField(idField) && idField.pattern !== "" ? compilePattern(idField.pattern) : null;
  if (!pattern) return (id) => DEFAULT_ID.test(id);
  return (id) => id.length <= MAX_ID_LENGTH && !FORBIDDEN_ID_CHARS.test(id) && pattern.test(id);
}

/** Record ids: one ("" unless required) or a list within minSelect and maxSelect. */
function valueSchema(field: RelationField, shape: "read" | "create" | "update"): JsonSchema {
  const id = { type: "string", minLength: 1 };
  if (shape === "read") return isMultiValued(field) ? { type: "array", items: id } : { type: "string" };
  if (!isMultiValued(field)) return field.required ? id : { type: "string" };
  const limits = {
    maxItems: Math.max(field.maxSelect, 1),
    minItems: field.minSelect,
    required: field.required,
  };
  return listSchema(id, limits);
}

export const relationType: FieldTypeDef<RelationField> = {
  type: "relation",

  normalize(raw) {
    const field = buildField<RelationField>("relation", OPTIONS, raw);
    // PocketBase stores 0 for "single"; Backroom spells single as 1.
    return field.maxSelect === 0 ? { ...field, maxSelect: 1 } : field;
  },

  validateOptions(field, ctx) {
    const issues = commonIssues(field, OPTIONS);
    if (Object.keys(issues).length > 0) return issues;
    const target = collectionIdIssue(field, ctx);
    if (target) issues["collectionId"] = target;
    if (field.minSelect < 0) issues["minSelect"] = minOptionIssue(0);
    if (field.maxSelect < Math.max(field.minSelect, 1)) {
      issues["maxSelect"] = minOptionIssue(Math.max(field.minSelect, 1));
    }
    return issues;
  },

  column: listColumn,

  multiValued: isMultiValued,

  zero: (field) => (isMultiValued(field) ? [] : ""),

  coerce: (field, raw) => coerceStringList(isMultiValued(field), raw),

  applyModifier: (field, current, modifier, operand) =>
    applyListModifier(isMultiValued(field), current, modifier, operand),

  /** Checks count and id format only; whether the records exist is the records layer's query. */
  validate(field, value, ctx) {
    const ids = listForValidation(isMultiValued(field), value);
    if (ids === null) return unsupportedTypeIssue();
    if (ids.length === 0) return field.required ? requiredIssue() : null;
    if (field.minSelect > 0 && ids.length < field.minSelect) {
      return issue("validation_not_enough_values", `Select at least ${field.minSelect}.`, {
        minSelect: field.minSelect,
      });
    }
    const maxSelect = Math.max(field.maxSelect, 1);
    if (ids.length > maxSelect) {
      return issue("validation_too_many_values", `Select no more than ${maxSelect}.`, { maxSelect });
    }
    const isId = idChecker(field, ctx);
    if (!ids.every(isId)) {
      // A malformed id cannot exist, so the answer is PocketBase's "missing records" error.
      return issue(
        "validation_missing_rel_records",
        "Failed to find all relation records with the provided ids.",
      );
    }
    return null;
  },

  toDb: (field, value) => listToDb(isMultiValued(field), value),

  fromDb: (field, raw, dialect) => listFromDb(isMultiValued(field), raw, dialect),

  filter: listFilter,

  reference: (field) => ({
    collectionId: field.collectionId,
    multi: isMultiValued(field),
    cascadeDelete: field.cascadeDelete,
  }),

  retarget: (field, collectionId) => ({ ...field, collectionId }),

  graphqlType: (field, shape) => stringsGraphqlType(isMultiValued(field), shape),

  tsType: (field) => (isMultiValued(field) ? "string[]" : "string"),

  jsonSchema: valueSchema,
};
