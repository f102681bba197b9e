import type { StoreSnapshot } from "./snapshot.js";
import type { StoreConfig } from "./store.js";

/** Opens a snapshot of the configured store (its driver's own connection, read-only). */
export async function openSnapshot(config: StoreConfig): Promise<StoreSnapshot> {
  if (config.kind === "sqlite") return (await import("./sqlite/snapshot.js")).openSqliteSnapshot(config.file);
  return (await import("./postgres/snapshot.js")).openPostgresSnapshot(config);
}
