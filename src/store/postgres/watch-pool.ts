import type { PostgresPool } from "kysely";
import type pg from "pg";
import { classifyDependencyError } from "../../errors/dependency-errors.js";
import type { StoreHealth } from "../store-health.js";

/** SQLSTATE 08001: the client could not establish a connection. */
const CANNOT_CONNECT = "08001";

/**
 * Makes a pool survive losing its server and tells `health` about it. Without these listeners a
 * connection cut while a request holds it (pg_terminate_backend, a PostgreSQL restart, a network
 * cut) ends the process: pg emits 'error' on the checked-out client, and the pool listens there
 * only while the client is idle. With them, the query in flight fails with that error (the
 * request answers 503), the pool discards the broken client when it is released (also when the
 * server's FATAL message came before the socket's end), and the next query opens a new connection.
 */
export function watchPool(pool: pg.Pool, health: StoreHealth): PostgresPool {
  pool.on("error", (err) => health.lost(err)); // an idle client's server went away
  /** Clients whose server said FATAL (pg_terminate_backend, shutdown): gone, whatever pg believes yet. */
  const doomed = new WeakSet<pg.PoolClient>();
  pool.on("connect", (client) => {
    client.on("error", (err) => health.lost(err));
    // A FATAL error fails the statement in flight at once, before the socket's end reaches pg, so
    // the client went back to the pool looking healthy and the next statement on it failed too
    // ("Connection terminated unexpectedly"). The protocol's own message says it first.
    (client as unknown as { connection: pg.Connection }).connection.on(
      "errorMessage",
      (msg: { severity?: string }) => {
        if (msg.severity === "FATAL" || msg.severity === "PANIC") doomed.add(client);
      },
    );
    health.connected();
  });
  return {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw connectFailure(err, health);
      }
      // pg-pool gives each checkout its own release; a doomed client is destroyed, not kept.
      const release = client.release;
      client.release = (err?: Error | boolean) => release(err ?? doomed.has(client));
      return client;
    },
    end: () => pool.end(),
  };
}

/**
 * A failed connect, said in the database's terms: a refused or reset socket becomes SQLSTATE 08001
 * (so it reads as "database unavailable", not as some other service's). A wait for a free
 * connection that timed out means a busy pool, not a lost server, and is passed on as it is.
 */
function connectFailure(err: unknown, health: StoreHealth): unknown {
  const problem = classifyDependencyError(err);
  if (!problem || !(err instanceof Error) || typeof (err as { code?: unknown }).code !== "string") return err;
  health.lost(err);
  if (problem !== "service-unavailable") return err;
  return Object.assign(new Error(`cannot connect to the database: ${err.message}`, { cause: err }), {
    code: CANNOT_CONNECT,
  });
}
