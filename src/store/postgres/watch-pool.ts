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
 * request answers 503), the pool discards the broken client when it is released, and the next
 * query opens a new connection.
 */
export function watchPool(pool: pg.Pool, health: StoreHealth): PostgresPool {
  pool.on("error", (err) => health.lost(err)); // an idle client's server went away
  pool.on("connect", (client) => {
    client.on("error", (err) => health.lost(err));
    health.connected();
  });
  return {
    async connect() {
      try {
        return await pool.connect();
      } catch (err) {
        throw connectFailure(err, health);
      }
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
