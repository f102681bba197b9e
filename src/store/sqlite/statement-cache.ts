import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase } from "kysely";

const MAX_STATEMENTS = 1000;

/**
 * Kysely prepares a statement for every query; preparing costs more than running a primary-key
 * lookup, so we keep prepared statements by SQL text (bounded; cleared after DDL).
 *
 * `writes` counts statements handed out that may write (SQLite's own `readonly` test, not "returns
 * no rows": an INSERT … RETURNING returns rows and writes): Kysely prepares right before it runs,
 * so the count moves with every write this connection makes (see changeWatch).
 */
export function cachingDatabase(
  raw: BetterSqlite3.Database,
): SqliteDatabase & { clear(): void; readonly writes: number } {
  const statements = new Map<string, BetterSqlite3.Statement>();
  let writes = 0;
  return {
    get writes() {
      return writes;
    },
    close: () => raw.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = raw.prepare(sql);
        if (statements.size >= MAX_STATEMENTS) statements.clear();
        statements.set(sql, statement);
      }
      if (!statement.readonly) writes++;
      return statement;
    },
    clear: () => statements.clear(),
  };
}
