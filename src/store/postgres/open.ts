import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Db, Store, StoreConfig } from "../store.js";
import { postgresFragments } from "./sql-fragments.js";

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
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on("error", () => {});
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
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: "postgres",
    db,
    frags: postgresFragments,
    location: redact(config.url) + (config.schema ? ` (schema ${config.schema})` : ""),
    transaction: (fn) => (db.isTransaction ? fn(db) : db.transaction().execute(fn)),
    schemaChanged: () => {},
    close: () => db.destroy(),
  };
}

/** Hides the password of a connection URL for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}
