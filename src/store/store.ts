import type { CompiledQuery, Kysely } from "kysely";
import type { DialectName, SqlFragments } from "./sql-fragments.js";

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
  /** Drops cached prepared statements after DDL. */
  schemaChanged(): void;
  /** Describes where the data lives, for logs (never includes a password). */
  readonly location: string;
  close(): Promise<void>;
}

export type StoreConfig =
  | { kind: "sqlite"; file: string }
  | { kind: "postgres"; url: string; schema?: string; poolSize?: number };
