import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type App, createApp } from "../../app.js";
import { type ConfigInput, loadConfig } from "../../config/config.js";
import { PG_URL, type StoreKind } from "../../test-support/server.js";

/**
 * One store that several apps open in turn or at once (restarts, two nodes): a temp SQLite folder
 * or a fresh PostgreSQL schema. `open()` builds an app on it; `dispose()` removes the data.
 */
export function sharedStore(kind: StoreKind): {
  dir: string;
  schema: string;
  open(extra?: ConfigInput): Promise<App>;
  dispose(): Promise<void>;
} {
  const dir = mkdtempSync(join(tmpdir(), "backroom-jobs-"));
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  return {
    dir,
    schema,
    open: (extra: ConfigInput = {}) =>
      createApp(
        loadConfig(
          {
            http: "127.0.0.1:0",
            dir,
            logLevel: "silent",
            ...(kind === "postgres" ? { db: PG_URL, dbSchema: schema } : {}),
            ...extra,
          },
          {},
        ),
      ),
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
      if (kind !== "postgres") return;
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
