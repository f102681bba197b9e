import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { Kysely } from "kysely";
import { QueryTap, tappedDialect } from "../query-tap.js";
import type { ChangeClock, Db, Store } from "../store.js";
import { StoreHealth } from "../store-health.js";
import { BackgroundCheckpoints } from "./background-checkpoints.js";
import { GroupCommit } from "./group-commit.js";
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
  const queries = new QueryTap();
  const db: Db = new Kysely({
    dialect: tappedDialect(
      new ImmediateSqliteDialect({ database: cached }, () => raw.inTransaction),
      queries,
      { synchronous: true },
    ),
  });
  const readNow = (sql: string, parameters: readonly unknown[]) =>
    cached.prepare(sql).all(parameters) as Record<string, unknown>[];
  // Moves when another connection (another process on the file) commits; not for our own commits.
  const dataVersion = raw.prepare("PRAGMA data_version").pluck();
  // Commits by other processes as changeWatch looks saw them (see ChangeClock).
  let lastDataVersion: unknown;
  let otherCommitsSeen = 0;
  let looks = 0;
  const changeClock: ChangeClock = {
    get epoch() {
      return cached.writes + otherCommitsSeen;
    },
    get looks() {
      return looks;
    },
    // A look is synchronous: it has finished as soon as it began.
    get started() {
      return looks;
    },
  };
  const health = new StoreHealth();
  const checkpoints = new BackgroundCheckpoints(file, raw);
  const groups = new GroupCommit(
    db,
    () => raw.inTransaction,
    () => health.wrote(),
  );

  return {
    dialect: "sqlite",
    db,
    frags: sqliteFragments,
    health,
    queries,
    location: file,
    // Inside a transaction the connection belongs to it: reads from other requests must wait their
    // turn in Kysely's queue, or they would see its uncommitted rows.
    readNow: (query) => {
      if (raw.inTransaction) return undefined;
      if (!queries.active) return readNow(query.sql, query.parameters);
      const started = performance.now();
      if (!queries.listening) {
        try {
          return readNow(query.sql, query.parameters);
        } finally {
          queries.durations?.record(performance.now() - started);
        }
      }
      let failed = true;
      try {
        const rows = readNow(query.sql, query.parameters);
        failed = false;
        return rows;
      } finally {
        queries.report(query.sql, performance.now() - started, failed);
      }
    },
    changeWatch: () => {
      let seenData: unknown;
      let seenWrites = -1;
      return () => {
        // Inside a transaction the stamps can only be read through it: nothing to skip.
        if (raw.inTransaction) return true;
        const data = dataVersion.get();
        looks++;
        if (data !== lastDataVersion) {
          lastDataVersion = data;
          otherCommitsSeen++;
        }
        if (data === seenData && cached.writes === seenWrites) return false;
        seenData = data;
        seenWrites = cached.writes;
        return true;
      };
    },
    changeClock,
    // Concurrent transactions share a commit (group-commit.ts).
    transaction: (fn) => groups.run(fn),
    schemaChanged: () => cached.clear(),
    close: async () => {
      await checkpoints.close();
      await db.destroy();
    },
  };
}
