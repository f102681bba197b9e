import { type FieldIssue, issue } from "../../errors/api-error.js";
import type { FieldCommon } from "./field-type.js";
import { type OptionSchema, optionKindIssues, readOptions } from "./options.js";

/** The options every field has, whatever its type. */
const COMMON_OPTIONS: OptionSchema = {
  system: { kind: "bool", default: false },
  hidden: { kind: "bool", default: false },
  presentable: { kind: "bool", default: false },
  required: { kind: "bool", default: false },
};

// Names that would collide with filter literals or with keys the records API adds itself.
const RESERVED_NAMES = new Set([
  "null",
  "true",
  "false",
  "_rowid_",
  "expand",
  "collectionId",
  "collectionName",
]);
const NAME_PATTERN = /^\w+$/;
const MAX_NAME_LENGTH = 100;
const MAX_ID_LENGTH = 100;

export type RawField = Record<string, unknown> & { id: string; name: string };

/** Builds a field of `type` from raw input: common keys, then the type's options with defaults. */
export function buildField<F extends FieldCommon>(type: F["type"], schema: OptionSchema, raw: RawField): F {
  return {
    id: raw.id,
    name: raw.name,
    type,
    ...readOptions(COMMON_OPTIONS, raw),
    ...readOptions(schema, raw),
  } as unknown as F;
}

function nameIssue(name: unknown): FieldIssue | undefined {
  if (typeof name !== "string" || name === "") return issue("validation_required", "Missing required value.");
  if (name.length > MAX_NAME_LENGTH) {
    return issue("validation_length_too_long", `The length must be no more than ${MAX_NAME_LENGTH}.`, {
      max: MAX_NAME_LENGTH,
    });
  }
  if (!NAME_PATTERN.test(name)) return issue("validation_match_invalid", "Must be in a valid format.");
  if (RESERVED_NAMES.has(name)) return issue("validation_not_in_invalid", "The name is reserved.");
  if (name.toLowerCase().includes("_via_")) {
    return issue("validation_found_via", 'The value cannot contain "_via_".');
  }
  return undefined;
}

function idIssue(id: unknown): FieldIssue | undefined {
  if (typeof id !== "string" || id === "") return issue("validation_required", "Missing required value.");
  if (id.length > MAX_ID_LENGTH) {
    return issue("validation_length_too_long", `The length must be no more than ${MAX_ID_LENGTH}.`, {
      max: MAX_ID_LENGTH,
    });
  }
  return undefined;
}

/** Checks shared by every type: id, name and the kinds of the common and type options. */
export function commonIssues(field: FieldCommon, schema: OptionSchema): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {
    ...optionKindIssues(COMMON_OPTIONS, field),
    ...optionKindIssues(schema, field),
  };
  const id = idIssue(field.id);
  if (id) issues["id"] = id;
  const name = nameIssue(field.name);
  if (name) issues["name"] = name;
  return issues;
}

export function isFieldType<T extends string>(type: unknown, known: Record<T, unknown>): type is T {
  return typeof type === "string" && Object.hasOwn(known, type);
}
