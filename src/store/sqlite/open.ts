import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { Kysely } from "kysely";
import type { Db, Store } from "../store.js";
import { BackgroundCheckpoints } from "./background-checkpoints.js";
import { ImmediateSqliteDialect } from "./immediate-dialect.js";
import { assertSqliteFeatures } from "./required-features.js";
import { sqliteFragments } from "./sql-fragments.js";
import { cachingDatabase } from "./statement-cache.js";

/** Opens a SQLite file tuned for a server: WAL, foreign keys, a busy timeout for other processes (CLI). */
export function openSqliteStore(file: string): Store {
  mkdirSync(dirname(file), { recursive: true });
  const raw = new Database(file);
  // First, so that even switching to WAL waits for another process (the CLI, a second server).
  raw.pragma("busy_timeout = 10000");
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = NORMAL");
  raw.pragma("foreign_keys = ON");
  raw.pragma("temp_store = MEMORY");
  assertSqliteFeatures(raw);
  const cached = cachingDatabase(raw);
  const db: Db = new Kysely({ dialect: new ImmediateSqliteDialect({ database: cached }) });
  const checkpoints = new BackgroundCheckpoints(file, raw);

  return {
    dialect: "sqlite",
    db,
    frags: sqliteFragments,
    location: file,
    // Inside a transaction the connection belongs to it: reads from other requests must wait their
    // turn in Kysely's queue, or they would see its uncommitted rows.
    readNow: (query) =>
      raw.inTransaction
        ? undefined
        : (cached.prepare(query.sql).all(query.parameters) as Record<string, unknown>[]),
    transaction: (fn) => (db.isTransaction ? fn(db) : db.transaction().execute(fn)),
    schemaChanged: () => cached.clear(),
    close: async () => {
      await checkpoints.close();
      await db.destroy();
    },
  };
}
