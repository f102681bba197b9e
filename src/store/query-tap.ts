import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from "kysely";

/** One statement the store ran: its SQL text (placeholders, never values) and how long it took. */
export interface QueryEvent {
  sql: string;
  /** Wall time in milliseconds, from handing the statement to the driver to its result. */
  durationMs: number;
  failed: boolean;
}

export type QueryListener = (event: QueryEvent) => void;

/** Takes statement times only (milliseconds), no text: what a latency histogram needs. */
export interface DurationSink {
  record(durationMs: number): void;
}

/**
 * Where metrics and traces learn about every statement the store runs (`tappedDialect` below;
 * statements run outside Kysely, SQLite's `readNow`, report here themselves). With nobody listening
 * a statement costs one boolean check more: no clock is read.
 *
 * Two kinds of observer: listeners get one event per statement (its text, for trace spans), a
 * duration sink gets only the time (metrics). A sink alone costs two clock reads and one call per
 * statement: no event object, and on SQLite no promise either (see `tappedDialect`).
 */
export class QueryTap {
  private listeners: QueryListener[] = [];
  /** Where statement times go while metrics are on. */
  durations: DurationSink | undefined;

  /** Someone wants statement times or events. */
  get active(): boolean {
    return this.listeners.length > 0 || this.durations !== undefined;
  }

  /** Someone wants one event per statement (with its text). */
  get listening(): boolean {
    return this.listeners.length > 0;
  }

  listen(listener: QueryListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  report(sql: string, durationMs: number, failed: boolean): void {
    this.durations?.record(durationMs);
    const listeners = this.listeners;
    if (listeners.length === 0) return;
    const event: QueryEvent = { sql, durationMs, failed };
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // An observer's fault never becomes the query's.
      }
    }
  }
}

/**
 * The dialect with every connection's statements timed and reported to `tap` while it has
 * listeners. (Kysely's own `log` option would read the clock and add awaits to every statement,
 * listened to or not.)
 *
 * `synchronous`: the driver does all of a statement's work before `executeQuery` returns (Kysely's
 * SQLite driver over better-sqlite3), so a duration sink alone is fed from a clock read on each side
 * of the call, without chaining a promise to every statement.
 */
export function tappedDialect(dialect: Dialect, tap: QueryTap, { synchronous = false } = {}): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => tappedDriver(dialect.createDriver(), tap, synchronous),
  };
}

function tappedDriver(driver: Driver, tap: QueryTap, synchronous: boolean): Driver {
  const tapped = new WeakSet<DatabaseConnection>();
  return {
    init: () => driver.init(),
    destroy: () => driver.destroy(),
    beginTransaction: (c, s) => driver.beginTransaction(c, s),
    commitTransaction: (c) => driver.commitTransaction(c),
    rollbackTransaction: (c) => driver.rollbackTransaction(c),
    ...(driver.savepoint ? { savepoint: driver.savepoint.bind(driver) } : {}),
    ...(driver.rollbackToSavepoint ? { rollbackToSavepoint: driver.rollbackToSavepoint.bind(driver) } : {}),
    ...(driver.releaseSavepoint ? { releaseSavepoint: driver.releaseSavepoint.bind(driver) } : {}),
    releaseConnection: (c) => driver.releaseConnection(c),
    async acquireConnection() {
      const connection = await driver.acquireConnection();
      // Drivers hand out the same connection objects again: each is wrapped once.
      if (!tapped.has(connection)) {
        tapped.add(connection);
        const execute = connection.executeQuery.bind(connection);
        connection.executeQuery = <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
          if (!tap.active) return execute<R>(query);
          const started = performance.now();
          const durations = tap.durations;
          if (synchronous && durations && !tap.listening) {
            try {
              return execute<R>(query);
            } finally {
              durations.record(performance.now() - started);
            }
          }
          return execute<R>(query).then(
            (result) => {
              tap.report(query.sql, performance.now() - started, false);
              return result;
            },
            (err: unknown) => {
              tap.report(query.sql, performance.now() - started, true);
              throw err;
            },
          );
        };
      }
      return connection;
    },
  };
}
