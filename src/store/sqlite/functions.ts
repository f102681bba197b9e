import type BetterSqlite3 from "better-sqlite3";

/**
 * SQL functions SQLite lacks but the rule compiler emits. Kept here so the compiler's output is
 * the same on every SQLite build.
 */
export function registerSqliteFunctions(_db: BetterSqlite3.Database): void {
  // Filled in as the rule compiler needs (e.g. geo math when the build has no math functions).
}
