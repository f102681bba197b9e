import type { SqlResult, SqlRunOptions } from "./sql-console.js";
import type { StoreConfig } from "./store.js";

/**
 * Runs raw SQL typed by a superuser on a connection of its own (never the server's pool or its
 * SQLite connection), read-only unless writes are allowed, within a time limit; several statements
 * run in one transaction and the last one's result is returned, at most `maxRows` rows of it.
 */
export async function runSqlConsole(
  config: StoreConfig,
  query: string,
  options: SqlRunOptions,
): Promise<SqlResult> {
  if (config.kind === "sqlite")
    return (await import("./sqlite/run-sql.js")).runSqliteSql(config.file, query, options);
  return (await import("./postgres/run-sql.js")).runPostgresSql(config, query, options);
}
