import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Services } from "../app/services.js";
import { openServices } from "../app.js";
import { loadConfig } from "../config/config.js";
import { dropSchema, PG_URL, type StoreKind } from "./server.js";

/**
 * The app's services on a fresh store (a temp SQLite folder or a new PostgreSQL schema), without
 * HTTP: for tests of the records, audit and settings layers. `close()` releases and removes it.
 */
export async function openTestServices(
  kind: StoreKind,
): Promise<{ services: Services; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "backroom-services-"));
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const config = loadConfig(
    {
      dir,
      logLevel: "silent",
      hooks: join(dir, "no-hooks"),
      ...(kind === "postgres" ? { db: PG_URL, dbSchema: schema } : {}),
    },
    {},
  );
  const services = await openServices(config);
  return {
    services,
    async close() {
      await services.backups.close();
      await services.rateLimiter.close();
      await services.store.close();
      await services.files.close();
      rmSync(dir, { recursive: true, force: true });
      if (kind !== "postgres") return;
      await dropSchema(schema);
    },
  };
}
