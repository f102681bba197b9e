import type { JsonPath } from "../store/sql-fragments.js";
import type { Leaf } from "./ir.js";

/**
 * The raw values a leaf reads from one in-memory record (`undefined` = no value). Multi-valued
 * leaves give one entry per item.
 */
export function readLeaf(row: Record<string, unknown>, leaf: Leaf): unknown[] {
  const value = own(row, leaf.field.name);
  switch (leaf.kind) {
    case "column":
      return [value];
    case "items":
      return asList(value);
    case "length":
      return [asList(value).length];
    case "json":
      return [readJsonPath(value, leaf.path)];
    case "geo": {
      const coord = readJsonPath(value, [leaf.coord]);
      return [typeof coord === "number" ? coord : undefined];
    }
    case "email": {
      const visible = own(row, "emailVisibility") === true || own(row, "id") === leaf.viewerId;
      return [visible ? value : ""];
    }
  }
}

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return typeof value === "string" && value !== "" ? [value] : [];
}

/** Follows object keys (own properties of plain objects only) and array indexes; `undefined` when absent. */
export function readJsonPath(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const key of path) {
    if (typeof key === "number") {
      if (!Array.isArray(current) || key >= current.length) return undefined;
      current = current[key];
    } else {
      if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
      current = own(current as Record<string, unknown>, key);
    }
  }
  return current;
}

function own(row: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(row, key) ? row[key] : undefined;
}
