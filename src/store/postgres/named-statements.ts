import type pg from "pg";
import { ApiError } from "../../errors/api-error.js";

/**
 * "cached plan must not change result type": a prepared statement's result columns changed under it
 * (DDL). SQLSTATE 0A000 is any unsupported feature; the server function that raises it tells this
 * one apart whatever the server's message language.
 */
function planChanged(err: unknown): boolean {
  const e = err as { code?: unknown; routine?: unknown };
  return e.code === "0A000" && e.routine === "RevalidateCachedQuery";
}

/**
 * Most names a connection keeps on the server. Each named statement holds its parse tree and plan
 * in that backend's memory; an app whose clients send endless different filters must not grow it
 * without bound. 100 covers the hot texts of an app of a few dozen collections (a list, a view, a
 * create, an update per collection, plus the system statements); beyond it the least recently used
 * name is dropped (DEALLOCATE), so a text used again is simply prepared again.
 */
export const MAX_NAMES_PER_CONNECTION = 100;

/**
 * A transaction met a statement prepared before a schema change it could not see coming (another
 * node's, in the moment before this node loaded it): nothing was done, and the same request sent
 * again runs on the new definitions. A 409 with CatalogueMovedError's wording, not a 500.
 */
export class SchemaMovedError extends ApiError {
  constructor(cause: unknown) {
    super(409, "The collection changed while this request ran; send it again.");
    this.cause = cause;
  }
}

export interface NamedStatementOptions {
  maxNames?: number;
}

/**
 * Runs the store pool's repeated parameterized statements as named prepared statements, so each
 * connection parses and plans a given text once instead of on every execution (Kysely sends every
 * statement as an unnamed extended-protocol query: `client.query(text, values)`).
 *
 * Which texts get a name: those with parameters (a text without any goes through the simple
 * protocol: `BEGIN`, `COMMIT`, DDL and scripts of several statements, which can't be prepared)
 * that this connection has already run once. A text seen once (an ad-hoc filter, a migration's
 * statement) costs no server memory and doesn't push a hot name out; naming it on its second run
 * costs nothing the second run wouldn't (it is parsed then either way). Names (`b1`, `b2`, …) are
 * counted per connection and never reused on it, so two texts can't share one and a name dropped
 * from our books is never confused with a new one, even if its DEALLOCATE was lost.
 *
 * Schema changes: a prepared statement whose result columns change (`SELECT r.*` or `RETURNING *`
 * after ALTER TABLE on any connection or node) fails with SQLSTATE 0A000 "cached plan must not
 * change result type". Two things keep that from reaching a request:
 * - `schemaChanged()` (called once a schema change committed, this node's or another's: the
 *   registry calls `store.schemaChanged()` before it reloads) makes every connection drop all its
 *   names (`DEALLOCATE ALL`, sent with its next statement, one round trip once per change). A write
 *   holds the catalogue version in its transaction (`CollectionRegistry.assertCurrent`, its first
 *   statement) and fails with CatalogueMovedError, retried, unless this node has loaded every change
 *   committed: so, inside a write's transaction, no connection holds a name prepared before a
 *   schema change.
 * - The window before the node notices (a request that read the catalogue version just before
 *   another node's change committed): a statement that fails with 0A000 outside a transaction
 *   (its own implicit one, rolled back, nothing done) runs once more unnamed, and every connection
 *   drops its names as above. Inside a transaction the error has aborted it, and a retry is
 *   impossible there: the caller gets a SchemaMovedError, a 409 that asks the client to send the
 *   request again (only transactions without the catalogue check, such as a sign-in's, could meet
 *   it, in that window).
 *
 * The client keeps working for every other use: config objects, cursors (`query(new Cursor(…))`),
 * callbacks and texts without parameters are passed through untouched. `deferBegin` wraps this
 * wrapper: a BEGIN it still owes is sent (and done) before a parameterized statement reaches it, so
 * the transaction status read here is the statement's own.
 *
 * Not on the read replicas' pools: their reads run outside transactions and would only need the
 * retry; left for when they are measured.
 */
export class NamedStatements {
  /** Bumped by schemaChanged(); a connection whose names are older drops them before its next statement. */
  private epoch = 0;
  private readonly maxNames: number;
  /** Statements that ran as named ones (tests and diagnostics). */
  named = 0;
  /** Statements that met 0A000 and ran again unnamed. */
  retried = 0;

  constructor(pool: pg.Pool, options: NamedStatementOptions = {}) {
    this.maxNames = options.maxNames ?? MAX_NAMES_PER_CONNECTION;
    pool.on("connect", (client) => this.install(client));
  }

  /** A schema change committed: every connection forgets its names before its next statement. */
  schemaChanged(): void {
    this.epoch++;
  }

  private install(client: pg.PoolClient): void {
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    // pg's own books of what this connection has parsed (it skips Parse for names in them).
    const { connection } = client as unknown as { connection: { parsedStatements: Record<string, string> } };
    /** Text → name, least recently used first. */
    const names = new Map<string, string>();
    /** Texts this connection ran once, unnamed; cleared when it grows large. */
    const seen = new Set<string>();
    let counter = 0;
    let epoch = this.epoch;

    // Awaited, not queued behind: pg deprecates a query sent while another runs on the client.
    const forgetAll = async (): Promise<void> => {
      for (const name of names.values()) delete connection.parsedStatements[name];
      names.clear();
      seen.clear();
      await original("DEALLOCATE ALL");
    };

    const run = async (text: string, values: unknown[]): Promise<unknown> => {
      // 'T' in a transaction, 'E' in a failed one, 'I' outside, null before the first statement.
      const status = client.getTransactionStatus();
      if (status === "E") return original(text, values); // fails anyway; DEALLOCATE would too
      if (epoch !== this.epoch) {
        epoch = this.epoch;
        if (names.size > 0) await forgetAll();
      }
      let name = names.get(text);
      if (name !== undefined) {
        names.delete(text); // most recently used last
        names.set(text, name);
      } else if (seen.has(text)) {
        seen.delete(text);
        if (names.size >= this.maxNames) {
          const [oldestText, oldest] = names.entries().next().value as [string, string];
          names.delete(oldestText);
          delete connection.parsedStatements[oldest];
          await original(`DEALLOCATE ${oldest}`);
        }
        name = `b${++counter}`;
        names.set(text, name);
      } else {
        // Bounded too (texts can be kilobytes): a hot text recurs long before 4 × maxNames others.
        if (seen.size >= this.maxNames * 4) seen.clear();
        seen.add(text);
        return original(text, values);
      }
      this.named++;
      try {
        return await original({ name, text, values });
      } catch (err) {
        if (!planChanged(err)) throw err;
        // The table changed under every connection's names, not only this one's: all drop theirs.
        this.epoch++;
        // In a transaction, now aborted, DEALLOCATE would fail too: this connection drops its names
        // with its first parameterized statement after the ROLLBACK, and only the transaction's
        // caller can start over.
        if (status !== "I") throw new SchemaMovedError(err);
        epoch = this.epoch;
        await forgetAll();
        this.retried++;
        return original(text, values);
      }
    };

    client.query = ((config: unknown, values?: unknown, callback?: unknown) => {
      if (typeof config === "string" && Array.isArray(values) && values.length > 0 && callback === undefined)
        return run(config, values);
      return original(config, values, callback);
    }) as typeof client.query;
  }
}
