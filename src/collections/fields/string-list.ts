import type { DialectName } from "../../store/sql-fragments.js";
import { jsonFromDb } from "./columns.js";
import type { ColumnSpec, FilterSpec, Modifier } from "./field-type.js";
import { LIST_FILTER, TEXT_FILTER } from "./json-schema.js";

/**
 * Values of select, relation and file fields: one string when `maxSelect` ≤ 1, otherwise a list of
 * unique non-empty strings in submission order.
 */

/** Whether a select, relation or file field holds a list. */
export function isList(field: { maxSelect: number }): boolean {
  return field.maxSelect > 1;
}

/** A list field's column: JSON (an array, never NULL) for lists, text for one value. */
export function listColumn(field: { maxSelect: number }): ColumnSpec {
  return isList(field) ? { storage: "json", default: [] } : { storage: "text" };
}

/** A list field as filters see it: its items, or one text value. */
export function listFilter(field: { maxSelect: number }): FilterSpec {
  return isList(field) ? LIST_FILTER : TEXT_FILTER;
}

function unique(items: string[]): string[] {
  return [...new Set(items.filter((item) => item !== ""))];
}

function itemText(item: unknown): string | null {
  if (typeof item === "string") return item;
  if (typeof item === "number" && Number.isFinite(item)) return String(item);
  return null;
}

/**
 * Reads a list from input. A string is one item, never split on commas; like PocketBase, a string
 * that is a JSON array of strings (what some clients put in a form field) is read as that list.
 * Returns null when an item is not a string, so the caller can leave the raw value for validation.
 */
export function toStringList(raw: unknown): string[] | null {
  if (raw === null || raw === undefined) return [];
  if (typeof raw === "string" && raw.startsWith("[")) {
    const parsed = parseJsonArray(raw);
    if (parsed) return parsed;
  }
  const items = Array.isArray(raw) ? raw : [raw];
  const texts: string[] = [];
  for (const item of items) {
    const text = itemText(item);
    if (text === null) return null;
    texts.push(text);
  }
  return unique(texts);
}

function parseJsonArray(text: string): string[] | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === "string") ? unique(parsed) : null;
  } catch {
    return null;
  }
}

/**
 * Coerces to the in-memory shape. A single-valued field takes a one-item list as its item; a longer
 * list is kept so validation reports too many values instead of silently picking one (PocketBase
 * keeps the last).
 */
export function coerceStringList(multiple: boolean, raw: unknown): unknown {
  if (!multiple && typeof raw === "string") return raw;
  const list = toStringList(raw);
  if (list === null) return raw;
  if (multiple) return list;
  if (list.length <= 1) return list[0] ?? "";
  return list;
}

export function applyListModifier(
  multiple: boolean,
  current: unknown,
  modifier: Modifier,
  operand: unknown,
): unknown {
  const base = toStringList(current) ?? [];
  const change = toStringList(operand);
  if (change === null) return operand;
  let next: string[];
  if (modifier === "append") next = unique([...base, ...change]);
  else if (modifier === "prepend") next = unique([...change, ...base]);
  else next = base.filter((item) => !change.includes(item));
  return coerceStringList(multiple, next);
}

/**
 * The value as a list for validation, or null when its shape is wrong. A single-valued field may
 * hold a list here (coercion keeps over-long lists), so the caller can report too many values.
 */
export function listForValidation(multiple: boolean, value: unknown): string[] | null {
  if (!multiple && typeof value === "string") return value === "" ? [] : [value];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) return null;
  return unique(value);
}

/** Multi values are JSON text on SQLite and JSONB on PostgreSQL, bound as JSON text in both. */
export function listToDb(multiple: boolean, value: unknown): unknown {
  if (!multiple) return typeof value === "string" ? value : "";
  return JSON.stringify(Array.isArray(value) ? value : []);
}

export function listFromDb(multiple: boolean, raw: unknown, dialect: DialectName): unknown {
  if (!multiple) {
    if (raw === null || raw === undefined) return "";
    if (typeof raw === "string") return raw;
  }
  // A column may hold the other shape after maxSelect changed; read either into the field's shape.
  const parsed = typeof raw === "string" && !raw.startsWith("[") ? raw : jsonFromDb(raw, dialect);
  const list = toStringList(parsed) ?? [];
  return multiple ? list : (list[list.length - 1] ?? "");
}
