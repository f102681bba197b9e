import type { DialectName } from "../../store/sql-fragments.js";

/**
 * Column values as the drivers hand them back, shared by the field types. The columns themselves
 * are described by each type's `column()` and written as DDL by `store/schema/column-sql.ts`.
 */

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
