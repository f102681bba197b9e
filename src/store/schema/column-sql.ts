import { type ColumnSpec, fieldType } from "../../collections/fields/index.js";
import type { Field } from "../../collections/model.js";
import type { DialectName } from "../sql-fragments.js";

/**
 * A field's column definition (type, default, nullability; no name) for CREATE TABLE and ADD
 * COLUMN, from the storage its type declares. PostgreSQL text columns use the "C" collation so
 * that comparisons and ordering are byte-wise like SQLite's default BINARY collation; JSON is
 * JSONB there and text on SQLite.
 */
export function columnSql(field: Field, dialect: DialectName): string {
  return specSql(fieldType(field).column(field), dialect);
}

function specSql(spec: ColumnSpec, dialect: DialectName): string {
  const pg = dialect === "postgres";
  switch (spec.storage) {
    case "text":
      if (spec.primaryKey) return pg ? `TEXT COLLATE "C" PRIMARY KEY NOT NULL` : "TEXT PRIMARY KEY NOT NULL";
      return pg ? `TEXT COLLATE "C" DEFAULT '' NOT NULL` : "TEXT DEFAULT '' NOT NULL";
    case "number":
      return pg ? "DOUBLE PRECISION DEFAULT 0 NOT NULL" : "REAL DEFAULT 0 NOT NULL";
    case "bool":
      return pg ? "BOOLEAN DEFAULT FALSE NOT NULL" : "INTEGER DEFAULT 0 NOT NULL";
    case "json": {
      if (spec.default === null) return pg ? "JSONB DEFAULT NULL" : "TEXT DEFAULT NULL";
      const literal = `'${JSON.stringify(spec.default).replaceAll("'", "''")}'`;
      return pg ? `JSONB DEFAULT ${literal}::jsonb NOT NULL` : `TEXT DEFAULT ${literal} NOT NULL`;
    }
  }
}
