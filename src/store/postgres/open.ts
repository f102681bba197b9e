import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { QueryTap, tappedDialect } from "../query-tap.js";
import { runTransaction } from "../run-transaction.js";
import type { Db, Store, StoreConfig } from "../store.js";
import { StoreHealth } from "../store-health.js";
import { deferBegin } from "./deferred-begin.js";
import { NamedStatements } from "./named-statements.js";
import { redact } from "./redact.js";
import { ReplicaReads } from "./replica-reads.js";
import { postgresFragments } from "./sql-fragments.js";
import { watchPool } from "./watch-pool.js";

// COUNT(*) and BIGSERIAL come back as int8 strings by default; our values fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Opens a pool on PostgreSQL; an optional schema isolates one app (or one test) in a database. */
export async function openPostgresStore(config: Extract<StoreConfig, { kind: "postgres" }>): Promise<Store> {
  if (config.schema !== undefined && !IDENT.test(config.schema)) {
    throw new Error(`invalid PostgreSQL schema name "${config.schema}"`);
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    // JIT off: our statements are short OLTP queries, and a client filter through several relations
    // (each step carrying its target's list rule) can cross jit_above_cost and spend seconds compiling
    // a plan that runs in milliseconds (seen in the rules fuzz: 2.7 s for one query on 4-row tables).
    options: `-c jit=off${config.schema ? ` -c search_path=${config.schema}` : ""}`,
  });
  // Wraps each new client's query() (pool 'connect'), under deferBegin's wrapper (see there).
  const named = config.preparedStatements === false ? undefined : new NamedStatements(pool);
  const health = new StoreHealth();
  const watched = watchPool(pool, health);
  try {
    const client = await pool.connect();
    try {
      if (config.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema}"`);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end();
    throw new Error(`cannot connect to PostgreSQL at ${redact(config.url)}: ${(err as Error).message}`);
  }
  const queries = new QueryTap();
  const db: Db = new Kysely({
    dialect: tappedDialect(new PostgresDialect({ pool: deferBegin(watched) }), queries),
  });
  const reads =
    config.replicas && config.replicas.length > 0
      ? new ReplicaReads(db, {
          urls: config.replicas,
          ...(config.schema ? { schema: config.schema } : {}),
          ...(config.poolSize ? { poolSize: config.poolSize } : {}),
        })
      : undefined;
  return {
    dialect: "postgres",
    db,
    ...(reads ? { reads } : {}),
    frags: postgresFragments,
    health,
    queries,
    poolStats: () => ({
      busy: pool.totalCount - pool.idleCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    location: redact(config.url) + (config.schema ? ` (schema ${config.schema})` : ""),
    transaction: (fn) => runTransaction(db, health, fn),
    // Named statements prepared before a schema change may return the old columns: dropped.
    schemaChanged: () => named?.schemaChanged(),
    close: async () => {
      await reads?.close();
      await db.destroy();
    },
  };
}
