import type { CollectionChange } from "../collections/collection-service.js";
import { changeMigrationName, changeMigrationSource } from "./collection-change-migration.js";
import type { MigrationDeps } from "./migration-deps.js";
import { writeMigrationFile } from "./migration-files.js";
import { recordApplied } from "./user-migrations.js";

/**
 * Dev mode: every collection change made through the API becomes a migration file in `dir`,
 * recorded as applied here (this store already has the change). A failure to write one is
 * logged, not thrown: the change itself has committed.
 */
export function writeDevMigrations(
  services: MigrationDeps,
  dir: string,
  log: (message: string, err: unknown) => void,
): (change: CollectionChange) => Promise<void> {
  return async (change) => {
    try {
      const source = changeMigrationSource(change, (id) => services.registry.get(id)?.name);
      const written = writeMigrationFile(dir, changeMigrationName(change), source);
      await recordApplied(services.store.db, written.name);
    } catch (err) {
      log(`dev mode: writing the migration for collection changes failed`, err);
    }
  };
}
