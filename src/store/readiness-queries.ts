import { sql } from "kysely";
import { appliedNames } from "./migrations/run-system-migrations.js";
import { systemMigrations } from "./migrations/system-migrations.js";
import type { Db } from "./store.js";

/** One round trip to the database (a fresh connection from the pool when none is idle). */
export async function pingStore(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}

/** System migrations this build knows that the database hasn't recorded as applied. */
export async function pendingSystemMigrations(db: Db): Promise<string[]> {
  const applied = new Set(await appliedNames(db));
  return systemMigrations.map((m) => m.name).filter((name) => !applied.has(name));
}
