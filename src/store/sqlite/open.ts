import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { Kysely } from "kysely";
import type { Db, Store } from "../store.js";
import { registerSqliteFunctions } from "./functions.js";
import { ImmediateSqliteDialect } from "./immediate-dialect.js";
import { sqliteFragments } from "./sql-fragments.js";
import { cachingDatabase } from "./statement-cache.js";

/** Opens a SQLite file tuned for a server: WAL, foreign keys, a busy timeout for other processes (CLI). */
export function openSqliteStore(file: string): Store {
  mkdirSync(dirname(file), { recursive: true });
  const raw = new Database(file);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = NORMAL");
  raw.pragma("foreign_keys = ON");
  raw.pragma("busy_timeout = 10000");
  raw.pragma("temp_store = MEMORY");
  registerSqliteFunctions(raw);
  const cached = cachingDatabase(raw);
  const db: Db = new Kysely({ dialect: new ImmediateSqliteDialect({ database: cached }) });

  return {
    dialect: "sqlite",
    db,
    frags: sqliteFragments,
    location: file,
    transaction: (fn) => (db.isTransaction ? fn(db) : db.transaction().execute(fn)),
    schemaChanged: () => cached.clear(),
    close: async () => {
      await db.destroy();
    },
  };
}
