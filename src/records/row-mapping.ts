import { fieldType } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import type { DialectName } from "../store/sql-fragments.js";
import { compiledShape } from "./compiled-shapes.js";

export type RecordValues = Record<string, unknown> & { id: string };

/** A driver row → in-memory record values (every field present). */
export function rowToRecord(
  collection: Collection,
  row: Record<string, unknown>,
  dialect: DialectName,
): RecordValues {
  return compiledShape(collection).fromRow(row, dialect) as RecordValues;
}

/** In-memory values → column values to bind, for the given field names. */
export function recordToRow(
  collection: Collection,
  values: Record<string, unknown>,
  dialect: DialectName,
  only?: Iterable<string>,
): Record<string, unknown> {
  const names = only ? new Set(only) : undefined;
  const row: Record<string, unknown> = {};
  for (const field of collection.fields) {
    if (names && !names.has(field.name)) continue;
    if (!(field.name in values)) continue;
    row[field.name] = fieldType(field).toDb(field, values[field.name], dialect);
  }
  return row;
}
