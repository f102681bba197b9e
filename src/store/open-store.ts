import { runSystemMigrations } from "./migrations/run-system-migrations.js";
import { openPostgresStore } from "./postgres/open.js";
import { openSqliteStore } from "./sqlite/open.js";
import type { Store, StoreConfig } from "./store.js";

/** Opens the configured store and brings its system tables up to date. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const store = config.kind === "sqlite" ? openSqliteStore(config.file) : await openPostgresStore(config);
  try {
    await runSystemMigrations(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
