import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";

/**
 * Sends a transaction's BEGIN together with its first statement, one round trip instead of two,
 * when that statement has no parameters: PostgreSQL's simple-query protocol takes several
 * statements in one message. Every record write begins so (the catalogue stamp it holds, see
 * CollectionRegistry.assertCurrent), so a write costs a round trip fewer.
 *
 * Kysely begins with the exact text `begin`; nothing is sent then. The next statement on that
 * connection decides: with no parameters it goes as `begin; <statement>` and answers what the
 * statement alone would have; with parameters (the extended protocol allows one statement per
 * message), or as a cursor, BEGIN is sent first on its own, as before. A COMMIT or ROLLBACK with
 * nothing sent in between ends a transaction that never opened: nothing is sent for it either.
 *
 * Errors read as before: a failing first statement leaves the transaction open and aborted (BEGIN
 * ran first), and the caller's ROLLBACK ends it; a message PostgreSQL cannot parse runs nothing,
 * and the ROLLBACK that follows only draws a warning.
 */
export function deferBegin(pool: PostgresPool): PostgresPool {
  const wrapped = new WeakSet<PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      // The pool hands out the same client objects again: each is wrapped once.
      if (!wrapped.has(client)) {
        wrapped.add(client);
        deferBeginOn(client);
      }
      return client;
    },
    end: () => pool.end(),
  };
}

type Query = PostgresPoolClient["query"];

/** The answer to a statement that needed no message (pg's own has the same three fields). */
const NOTHING_SENT = (command: string) =>
  ({ command, rowCount: 0, rows: [] }) as unknown as PostgresQueryResult<never>;

function deferBeginOn(client: PostgresPoolClient): void {
  const send = client.query.bind(client) as (...args: unknown[]) => unknown;
  let pending = false;
  const query = (text: unknown, values?: readonly unknown[]): unknown => {
    if (typeof text !== "string") {
      // A cursor: it starts as soon as it is queued, after a BEGIN still owed (the client runs
      // queued messages in order).
      if (pending) {
        pending = false;
        (send("begin") as Promise<unknown>).catch(() => {});
      }
      return send(text);
    }
    if (!pending) {
      if (text === "begin" && (values === undefined || values.length === 0)) {
        pending = true;
        return Promise.resolve(NOTHING_SENT("BEGIN"));
      }
      return send(text, values);
    }
    pending = false;
    if (text === "commit" || text === "rollback") return Promise.resolve(NOTHING_SENT(text.toUpperCase()));
    if (values && values.length > 0) {
      return (send("begin") as Promise<unknown>).then(() => send(text, values));
    }
    return (send(`begin;\n${text}`) as Promise<unknown>).then(withoutBegin);
  };
  client.query = query as Query;
}

/**
 * The answers of `begin; <statement>`: the statement's own, as one result, or as the list pg gives
 * for a text of several statements.
 */
function withoutBegin(results: unknown): unknown {
  if (!Array.isArray(results)) return results;
  const rest = results.slice(1);
  return rest.length === 1 ? rest[0] : rest;
}
