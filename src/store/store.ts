import type { CompiledQuery, Kysely } from "kysely";
import type { QueryTap } from "./query-tap.js";
import type { DialectName, SqlFragments } from "./sql-fragments.js";
import type { StoreHealth } from "./store-health.js";

/** Tables are created at run time from collections, so the query builder is untyped per table. */
// biome-ignore lint/suspicious/noExplicitAny: table shapes are dynamic (one table per collection).
export type AnyDatabase = Record<string, any>;
export type Db = Kysely<AnyDatabase>;

/**
 * The one storage interface. Everything above `store/` speaks records and Kysely expressions;
 * only `store/sqlite` and `store/postgres` know their dialect.
 */
export interface Store {
  readonly dialect: DialectName;
  /** The query builder: the pool on PostgreSQL, the single connection on SQLite. */
  readonly db: Db;
  readonly frags: SqlFragments;
  /** Runs fn in one transaction; `db` inside is bound to it. Nested calls reuse the outer one. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Runs a SELECT on the spot when the store can (SQLite with no transaction open: the statement is
   * synchronous, so nothing can interleave), skipping the driver's connection queue; `undefined`
   * means "go through `db`".
   */
  readNow?(query: CompiledQuery): Record<string, unknown>[] | undefined;
  /**
   * SQLite: a new check, with its own memory, that answers whether anything may have been committed
   * to the database since its previous call (true on the first): by this connection (a write
   * statement ran) or by another process on the same file (`PRAGMA data_version` moved). It reads
   * no table, so callers can skip a read of stamps that cannot have moved. Absent: always ask.
   */
  changeWatch?(): () => boolean;
  /** SQLite: how far `changeWatch` looks have followed the file's commits (see ChangeClock). */
  readonly changeClock?: ChangeClock;
  /**
   * Where reads that may go to a replica run (record lists and views, realtime authorization):
   * set on PostgreSQL with read replicas (`store/postgres/replica-reads.ts`); see `readOn`.
   */
  readonly reads?: ReadRouter;
  /** Lost database connections and full disks seen lately (for `/api/health` and quieter logs). */
  readonly health: StoreHealth;
  /** Every statement the store runs, timed, for whoever listens (metrics, traces). */
  readonly queries: QueryTap;
  /** The connection pool now (PostgreSQL; SQLite has one connection and no pool). */
  poolStats?(): PoolStats;
  /** Drops cached prepared statements after DDL. */
  schemaChanged(): void;
  /** Describes where the data lives, for logs (never includes a password). */
  readonly location: string;
  close(): Promise<void>;
}

export interface PoolStats {
  /** Connections running a statement or held by a transaction. */
  busy: number;
  idle: number;
  /** Callers waiting for a connection. */
  waiting: number;
}

export type StoreConfig =
  | { kind: "sqlite"; file: string }
  | {
      kind: "postgres";
      url: string;
      schema?: string;
      poolSize?: number;
      /**
       * Repeated statements run as named prepared statements on the pool's connections (default
       * true; false behind a pooler in transaction mode, e.g. PgBouncer: docs/several-nodes.md).
       */
      preparedStatements?: boolean;
      /** Streaming replicas of `url` that list/view reads may use (`--db-replica`). */
      replicas?: string[];
    };

/** How many reads went where (for tests and metrics). */
export interface ReadStats {
  replica: number;
  /** Every read the primary served, for whatever reason (these two included). */
  primary: number;
  /** Reads that went to the primary because no replica had caught up within the wait. */
  waitedOut: number;
  /** Reads that failed on a replica and ran again on the primary. */
  failedOver: number;
}

/** Runs a read on a replica that has every write committed before the call, or on the primary. */
export interface ReadRouter {
  run<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  readonly stats: ReadStats;
  /** Where a replica's trouble is reported (once per outage of that replica). */
  setLogger(log: (message: string, err?: unknown) => void): void;
  close(): Promise<void>;
}

/**
 * Runs a read that may be served by a read replica (never inside a transaction: pass the
 * transaction's `db` to the query instead). Without replicas, `fn(store.db)`.
 */
export function readOn<T>(store: Pick<Store, "db" | "reads">, fn: (db: Db) => Promise<T>): Promise<T> {
  return store.reads ? store.reads.run(fn) : fn(store.db);
}

/**
 * What a cache of rows needs to know that nothing was committed since it read them, without a read
 * of its own. `epoch` moves whenever a look finds that something may have been committed since the
 * previous one (SQLite also moves it with every write statement its connection runs). Looks are
 * numbered as they begin (`started`); `looks` is the number of the latest one to have finished. A
 * row cached at epoch E may answer a request while the epoch is still E, provided a look that began
 * after the request arrived has finished (`looks` > `started` as it was on arrival): every commit the
 * request could know of has then been seen. SQLite: the `changeWatch` looks (`PRAGMA
 * data_version`, synchronous); PostgreSQL: the snapshot read with the version stamps
 * (`collections/fresh-definitions.ts`).
 */
export interface ChangeClock {
  readonly epoch: number;
  readonly looks: number;
  readonly started: number;
}
