import { fieldType } from "../../collections/fields/index.js";
import type { Field } from "../../collections/model.js";
import type { DialectName } from "../sql-fragments.js";

/**
 * The SQL expression that turns a column's old storage into its new one when a field's options
 * change its storage (field types themselves never change): text → a JSON list (single →
 * multiple) wraps the value in an array; a JSON list → text keeps the last item, as PocketBase does.
 */
export function convertColumnSql(from: Field, to: Field, column: string, dialect: DialectName): string {
  const was = fieldType(from).column(from).storage;
  const is = fieldType(to).column(to).storage;
  if (was === "text" && is === "json") {
    return dialect === "sqlite"
      ? `CASE WHEN ${column} = '' THEN '[]' ELSE json_array(${column}) END`
      : `CASE WHEN ${column} = '' THEN '[]'::jsonb ELSE jsonb_build_array(${column}) END`;
  }
  if (was === "json" && is === "text") {
    return dialect === "sqlite"
      ? `COALESCE(json_extract(${column}, '$[#-1]'), '')`
      : `COALESCE(${column} ->> -1, '')`;
  }
  // Same storage class with different modifiers (e.g. nullability): copy as is.
  return column;
}
