import type { DialectName } from "../../store/sql-fragments.js";

/**
 * Column definitions shared by the field types. PostgreSQL text columns use the "C" collation so
 * that comparisons and ordering are byte-wise like SQLite's default BINARY collation.
 */
export function textColumn(dialect: DialectName): string {
  return dialect === "postgres" ? `TEXT COLLATE "C" DEFAULT '' NOT NULL` : "TEXT DEFAULT '' NOT NULL";
}

export function primaryKeyColumn(dialect: DialectName): string {
  return dialect === "postgres" ? `TEXT COLLATE "C" PRIMARY KEY NOT NULL` : "TEXT PRIMARY KEY NOT NULL";
}

/** A JSON column that is never NULL; `defaultJson` must be a trusted constant, it is spliced in. */
export function jsonColumn(dialect: DialectName, defaultJson: string): string {
  return dialect === "postgres"
    ? `JSONB DEFAULT '${defaultJson}'::jsonb NOT NULL`
    : `TEXT DEFAULT '${defaultJson}' NOT NULL`;
}

export function nullableJsonColumn(dialect: DialectName): string {
  return dialect === "postgres" ? "JSONB DEFAULT NULL" : "TEXT DEFAULT NULL";
}

/** Text values read back from either driver; NULL (e.g. a column added later) reads as "". */
export function textFromDb(raw: unknown): string {
  if (raw === null || raw === undefined) return "";
  return typeof raw === "string" ? raw : String(raw);
}

/**
 * Reads a JSON column: SQLite hands back the JSON text; pg parses jsonb itself, so a pg string is
 * already the value (re-parsing would turn the JSON string "123" into a number). Unparseable
 * SQLite text comes back unchanged so the caller can see it.
 */
export function jsonFromDb(raw: unknown, dialect: DialectName): unknown {
  if (raw === undefined || raw === null) return null;
  if (dialect === "postgres" || typeof raw !== "string") return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
