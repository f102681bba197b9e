import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Config, type ConfigInput, loadConfig } from "../../config/config.js";
import { PG_URL, type StoreKind } from "../../test-support/server.js";

export interface TempStore {
  /** Config for a store of its own: a temp SQLite file, or a fresh PostgreSQL schema. */
  config: Config;
  /** A temp folder removed with the store (migrations, hooks…). */
  dir: string;
  remove(): Promise<void>;
}

export function tempStore(kind: StoreKind, input: ConfigInput = {}): TempStore {
  const dir = mkdtempSync(join(tmpdir(), "backroom-migrations-"));
  const schema = `m_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const config = loadConfig(
    {
      http: "127.0.0.1:0",
      dir: join(dir, "data"),
      hooks: join(dir, "hooks"),
      migrations: join(dir, "migrations"),
      logLevel: "silent",
      ...(kind === "postgres" ? { db: PG_URL, dbSchema: schema } : {}),
      ...input,
    },
    {},
  );
  return {
    config,
    dir,
    async remove() {
      rmSync(dir, { recursive: true, force: true });
      if (kind !== "postgres") return;
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
