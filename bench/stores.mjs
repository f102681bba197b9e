// The two stores Backroom runs on, as the benchmark sets them up and tears them down.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export const PG_URL = process.env.BACKROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

/** Whether PostgreSQL answers at all; the reason when it does not. */
export async function postgresProblem(url = PG_URL) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (err) {
    return err.message || String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A fresh, empty store: a temporary data folder for SQLite, a uniquely named schema for PostgreSQL.
 * `flags` are what `backroom serve|superuser` take to use it; `connection` is what the seeder and the
 * baseline server use to reach the same tables.
 */
export function createStore(kind) {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "backroom-bench-"));
    return {
      kind,
      flags: ["--dir", dir],
      connection: { kind, file: join(dir, "data.db") },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `bench_${randomBytes(6).toString("hex")}`;
  return {
    kind,
    flags: ["--db", PG_URL, "--db-schema", schema],
    connection: { kind, url: PG_URL, schema },
    cleanup: async () => {
      const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
      client.on("error", () => {});
      try {
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}
