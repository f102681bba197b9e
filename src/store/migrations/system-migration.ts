import type { DialectName } from "../sql-fragments.js";
import type { Db } from "../store.js";

/**
 * Versioned changes to Backroom's own tables. Append only: a released migration never changes,
 * a later one alters what it made. Names sort in the order they apply.
 */
export interface SystemMigration {
  name: string;
  up(db: Db, dialect: DialectName): Promise<void>;
}
