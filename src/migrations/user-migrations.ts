import { sql } from "kysely";
import { ApiError, type IssueMap } from "../errors/api-error.js";
import { transactionWithAfterCommit } from "../records/after-commit.js";
import { appliedNames } from "../store/migrations/run-system-migrations.js";
import { systemMigrations } from "../store/migrations/system-migrations.js";
import type { Db } from "../store/store.js";
import { systemTables } from "../store/system-tables.js";
import type { MigrationApi } from "./define-migration.js";
import { migrationApi } from "./migration-api.js";
import type { MigrationDeps } from "./migration-deps.js";
import { listMigrationFiles, loadMigration, type MigrationFile } from "./migration-files.js";

/** An arbitrary fixed key (system migrations use 727_001): two `migrate` runs take turns. */
const USER_MIGRATION_LOCK_KEY = 727_002;

export interface MigrationStatus {
  name: string;
  applied: boolean;
  /** Recorded as applied, but its file is gone. */
  missing?: boolean;
}

/** Applies every pending migration in order, each in its own transaction; stops at the first failure. */
export async function migrateUp(services: MigrationDeps, dir: string): Promise<string[]> {
  const applied = new Set(await appliedNames(services.store.db));
  const done: string[] = [];
  for (const file of listMigrationFiles(dir)) {
    if (applied.has(file.name)) continue;
    const migration = await loadMigration(file);
    const ran = await runInTransaction(services, file, async (api, tx) => {
      if (await isApplied(tx, file.name)) return false; // another run got there first
      await migration.up(api);
      await systemTables(tx)
        .insertInto("_migrations")
        .values({ file: file.name, applied: new Date().toISOString() })
        .execute();
      return true;
    });
    if (ran) done.push(file.name);
  }
  return done;
}

/** Reverts the most recently applied migration that has a file; returns its name. */
export async function migrateDown(services: MigrationDeps, dir: string): Promise<string | undefined> {
  const applied = new Set(await appliedNames(services.store.db));
  const last = listMigrationFiles(dir)
    .filter((m) => applied.has(m.name))
    .pop();
  if (!last) return undefined;
  const migration = await loadMigration(last);
  const { down } = migration;
  if (!down) throw new Error(`${last.name} has no down(): it cannot be reverted`);
  await runInTransaction(services, last, async (api, tx) => {
    await down(api);
    await systemTables(tx).deleteFrom("_migrations").where("file", "=", last.name).execute();
  });
  return last.name;
}

/** Every migration file with whether it is applied, then applied names whose file is gone. */
export async function migrationStatus(services: MigrationDeps, dir: string): Promise<MigrationStatus[]> {
  const applied = new Set(await appliedNames(services.store.db));
  const files = listMigrationFiles(dir);
  const names = new Set(files.map((f) => f.name));
  const system = new Set(systemMigrations.map((m) => m.name));
  const orphans = [...applied].filter((n) => !names.has(n) && !system.has(n) && /^\d+_/.test(n));
  return [
    ...files.map((f) => ({ name: f.name, applied: applied.has(f.name) })),
    ...orphans.map((name) => ({ name, applied: true, missing: true })),
  ];
}

/** Marks a migration as applied without running it (dev mode: its change is already in this store). */
export async function recordApplied(db: Db, name: string): Promise<void> {
  await systemTables(db)
    .insertInto("_migrations")
    .values({ file: name, applied: new Date().toISOString() })
    .execute();
}

/**
 * One migration's transaction: its collection changes (DDL included, which both SQLite and
 * PostgreSQL roll back), record writes and `_migrations` row commit together or not at all.
 */
async function runInTransaction<T>(
  services: MigrationDeps,
  file: MigrationFile,
  fn: (api: MigrationApi, tx: Db) => Promise<T>,
): Promise<T> {
  try {
    return await transactionWithAfterCommit(services.store, async (tx) => {
      if (services.store.dialect === "postgres")
        await sql`SELECT pg_advisory_xact_lock(${USER_MIGRATION_LOCK_KEY})`.execute(tx);
      return fn(await migrationApi(services, tx), tx);
    });
  } catch (err) {
    throw new Error(`migration ${file.name} failed (nothing of it was applied): ${describe(err)}`, {
      cause: err,
    });
  } finally {
    // Whatever the outcome, the catalogue may have changed in this transaction's view only.
    services.store.schemaChanged();
    await services.registry.load();
  }
}

async function isApplied(tx: Db, name: string): Promise<boolean> {
  const row = await systemTables(tx)
    .selectFrom("_migrations")
    .select("file")
    .where("file", "=", name)
    .executeTakeFirst();
  return row !== undefined;
}

/** An error in one line, with an API error's field issues (why a collection was refused). */
function describe(err: unknown): string {
  if (err instanceof ApiError) {
    const issues = flattenIssues(err.data);
    return issues.length ? `${err.message} (${issues.join("; ")})` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

function flattenIssues(map: IssueMap, prefix = ""): string[] {
  return Object.entries(map).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return typeof (value as { message?: unknown }).message === "string" && "code" in value
      ? [`${path}: ${(value as { message: string }).message}`]
      : flattenIssues(value as IssueMap, path);
  });
}
