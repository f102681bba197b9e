import { type RawBuilder, sql } from "kysely";
import { fieldType } from "../collections/fields/index.js";
import type { Collection, Field } from "../collections/model.js";
import { type RecordValues, recordToRow } from "../records/row-mapping.js";
import type { DialectName } from "../store/sql-fragments.js";

/**
 * The event's record as a one-row derived table, so a rule that needs other records can be checked
 * in SQL against the record as the event saw it: a deleted record is gone from its table, and an
 * updated one may have changed again since. Relations it points to are read as they are now.
 * PostgreSQL builds the row with the table's own row type, so columns keep their types.
 */
export function eventRowSource(
  collection: Collection,
  record: RecordValues,
  dialect: DialectName,
): RawBuilder<unknown> {
  const row = recordToRow(collection, record, dialect);
  if (dialect === "postgres") {
    const json: Record<string, unknown> = {};
    for (const field of collection.fields) {
      const value = row[field.name];
      json[field.name] = isJsonbColumn(field) && typeof value === "string" ? JSON.parse(value) : value;
    }
    return sql`(SELECT * FROM jsonb_populate_record(NULL::${sql.table(collection.name)}, ${JSON.stringify(json)}::jsonb))`;
  }
  const columns = collection.fields.map((f) => sql`${row[f.name] ?? null} AS ${sql.ref(f.name)}`);
  return sql`(SELECT ${sql.join(columns)})`;
}

const jsonbColumns = new WeakMap<Field, boolean>();

function isJsonbColumn(field: Field): boolean {
  let jsonb = jsonbColumns.get(field);
  if (jsonb === undefined) {
    jsonb = fieldType(field).column(field).storage === "json";
    jsonbColumns.set(field, jsonb);
  }
  return jsonb;
}
