import { sql } from "kysely";
import type { Db, Store } from "../store.js";
import { systemTables } from "../system-tables.js";
import { systemMigrations } from "./system-migrations.js";

const MIGRATIONS_TABLE = sql`CREATE TABLE IF NOT EXISTS _migrations (
  file TEXT PRIMARY KEY NOT NULL,
  applied TEXT NOT NULL
)`;

/** An arbitrary fixed key: nodes starting together take turns migrating. */
const MIGRATION_LOCK_KEY = 727_001;

/** Applies every system migration not yet recorded in `_migrations`, in one transaction. */
export async function runSystemMigrations(store: Store): Promise<string[]> {
  await MIGRATIONS_TABLE.execute(store.db);
  const applied: string[] = [];
  await store.transaction(async (tx) => {
    if (store.dialect === "postgres")
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(tx);
    const done = new Set(await appliedNames(tx));
    for (const migration of systemMigrations) {
      if (done.has(migration.name)) continue;
      await migration.up(tx, store.dialect);
      await systemTables(tx)
        .insertInto("_migrations")
        .values({ file: migration.name, applied: new Date().toISOString() })
        .execute();
      applied.push(migration.name);
    }
  });
  store.schemaChanged();
  return applied;
}

export async function appliedNames(db: Db): Promise<string[]> {
  const rows = await systemTables(db).selectFrom("_migrations").select("file").orderBy("file").execute();
  return rows.map((r) => String(r.file));
}
