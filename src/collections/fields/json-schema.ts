import type { FilterSpec, JsonSchema } from "./field-type.js";

/**
 * Pieces the field types build their JSON Schema fragments from. Fragments describe the canonical
 * JSON value (what a field holds after coercion); servers also accept looser input (numbers as
 * form strings, dates in other layouts), which a schema does not try to list.
 */

/** PocketBase's stored date layout, or "" (no date). */
export const STORED_DATE_PATTERN = "^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z)?$";

export const TEXT_FILTER: FilterSpec = { kind: "scalar", compare: "text" };
export const LIST_FILTER: FilterSpec = { kind: "list" };

/** `schema` for a value that is set, or the empty string, which a field that is not required may hold. */
export function orEmpty(schema: JsonSchema, required: boolean): JsonSchema {
  return required ? schema : { anyOf: [{ const: "" }, schema] };
}

/**
 * A user's pattern as a JSON Schema `pattern` (ECMA-262 with Unicode, as validators compile it),
 * or nothing when it only compiles without the `u` flag: a schema must not refuse valid values.
 */
export function patternKeyword(pattern: string): JsonSchema {
  if (pattern === "") return {};
  try {
    new RegExp(pattern, "u");
    return { pattern };
  } catch {
    return {};
  }
}

/** A list of `item`s holding at most `maxItems`; `minItems` applies only to a list that is set. */
export function listSchema(
  item: JsonSchema,
  opts: { maxItems: number; minItems: number; required: boolean },
): JsonSchema {
  const base: JsonSchema = { type: "array", items: item, maxItems: opts.maxItems };
  const min = Math.max(opts.minItems, opts.required ? 1 : 0);
  if (min === 0) return base;
  if (opts.required) return { ...base, minItems: min };
  return { ...base, anyOf: [{ maxItems: 0 }, { minItems: min }] };
}
