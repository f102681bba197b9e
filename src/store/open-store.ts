import { runSystemMigrations } from "./migrations/run-system-migrations.js";
import type { Store, StoreConfig } from "./store.js";

/** Opens the configured store and brings its system tables up to date. */
export async function openStore(config: StoreConfig): Promise<Store> {
  // Each store's driver is loaded only when that store is used (a SQLite server never loads pg).
  const store =
    config.kind === "sqlite"
      ? (await import("./sqlite/open.js")).openSqliteStore(config.file)
      : await (await import("./postgres/open.js")).openPostgresStore(config);
  try {
    await runSystemMigrations(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
