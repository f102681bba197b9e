import pg from "pg";
import type { StoreConfig } from "../store.js";

/**
 * A session-level advisory lock on a connection of its own, keyed by (key, the schema's hash) so
 * apps sharing a database in separate schemas don't block each other. Released with the returned
 * function, or by PostgreSQL itself when the holder's connection dies.
 */
export async function tryAdvisoryLock(
  config: Extract<StoreConfig, { kind: "postgres" }>,
  key: number,
): Promise<(() => Promise<void>) | null> {
  const client = new pg.Client({
    connectionString: config.url,
    connectionTimeoutMillis: 5000,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  client.on("error", () => {});
  await client.connect();
  try {
    const result = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock($1, hashtext(current_schema())) AS locked",
      [key],
    );
    if (!result.rows[0]?.locked) {
      await client.end();
      return null;
    }
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  return async () => {
    await client.query("SELECT pg_advisory_unlock($1, hashtext(current_schema()))", [key]).catch(() => {});
    await client.end().catch(() => {});
  };
}
