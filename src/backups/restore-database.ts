import { sql } from "kysely";
import { type Actor, writeAudit } from "../audit/audit-entry.js";
import { parseIndex } from "../collections/index-definition.js";
import type { Collection } from "../collections/model.js";
import { bumpCatalogueVersion } from "../collections/registry.js";
import { badRequest } from "../errors/api-error.js";
import { nowDate, randomId } from "../ids.js";
import { SETTINGS_VERSION } from "../settings/settings-service.js";
import { systemMigrations } from "../store/migrations/system-migrations.js";
import { bumpParamVersion } from "../store/param-versions.js";
import { baseTables, emptyTable, insertNeutralRows, tableColumns } from "../store/restore-statements.js";
import { applyCollectionDdl } from "../store/schema/collection-ddl.js";
import { createIndexSql } from "../store/schema/index-sql.js";
import type { SnapshotColumn } from "../store/snapshot.js";
import type { Db, Store } from "../store/store.js";
import { isLiveParam, type ManifestTable, NOT_BACKED_UP } from "./format.js";
import { writeParam } from "./params.js";
import type { ProgressListener } from "./progress.js";
import type { OpenedBackup } from "./read-backup.js";

const invalid = (why: string) => badRequest(`Invalid backup file: ${why}`);

/** The `_params` row each node's registry watch reads after a restore (BackupService reads it too). */
export const RESTORED_PARAM = "backups_restored";

/**
 * Replaces the store's data with the backup's in one transaction: the live collections' tables and
 * views are dropped, Backroom's own tables emptied, everything recreated from the backup's
 * catalogue and filled, the catalogue version bumped (every node reloads). Any failure, a bad row
 * included, rolls all of it back. Rows the running installation owns stay: the outbox, the job
 * queue, the request log, the outbox position and setup tokens in `_params`, and which of
 * Backroom's own schema changes were applied (`_migrations` rows of system migrations).
 */
export async function restoreDatabase(
  store: Store,
  backup: OpenedBackup,
  audit: { actor: Actor | null; key: string },
  onProgress?: ProgressListener,
): Promise<void> {
  const { manifest } = backup;
  const known = new Set(systemMigrations.map((m) => m.name));
  const newer = manifest.systemMigrations.filter((m) => !known.has(m));
  if (newer.length > 0)
    throw invalid(
      `it was made by a newer Backroom (unknown schema changes: ${newer.join(", ")}); update first.`,
    );
  const dialect = store.dialect;
  await store.transaction(async (tx) => {
    const targets = await systemTargets(tx, store, manifest.tables);
    await dropCollections(tx, store);
    const restored = new Set<string>();
    for (const table of manifest.tables) {
      if (table.kind !== "system") continue;
      const columns = targets.get(table.name) as SnapshotColumn[];
      const skip = await clearSystemTable(tx, table.name);
      for await (const batch of backup.rows(table)) {
        const rows = skip ? batch.filter((row) => !skip(row, table)) : batch;
        await insertNeutralRows(tx, dialect, table.name, columns, rows);
      }
      onProgress?.({ phase: "table", table: table.name, rows: table.rows });
      restored.add(table.name);
    }
    // Backroom's tables the backup doesn't know (it predates them) hold nothing in its world.
    for (const name of await baseTables(tx, dialect))
      if (
        name.startsWith("_") &&
        !restored.has(name) &&
        !NOT_BACKED_UP.has(name) &&
        !isCollection(manifest.collections, name)
      )
        if (name !== "_params" && name !== "_migrations") await emptyTable(tx, name, null);
    await checkCatalogue(tx, manifest.collections);
    const tables = manifest.collections.filter((c) => c.type !== "view");
    for (const collection of tables) {
      await applyCollectionDdl(tx, dialect, undefined, { ...collection, indexes: [] });
      const table = manifest.tables.find((t) => t.name === collection.name) as ManifestTable;
      let rows = 0;
      for await (const batch of backup.rows(table)) {
        await insertNeutralRows(tx, dialect, table.name, table.columns, batch);
        rows += batch.length;
        onProgress?.({ phase: "table", table: table.name, rows });
      }
      for (const index of collection.indexes ?? [])
        await sql.raw(createIndexSql(parseIndex(index), collection.name, dialect)).execute(tx);
    }
    await createViews(
      tx,
      store,
      manifest.collections.filter((c) => c.type === "view"),
    );
    const now = nowDate();
    await bumpCatalogueVersion(tx, `${now} ${randomId(6)}`);
    // The settings row came from the backup: every node reads it again.
    await bumpParamVersion(tx, SETTINGS_VERSION, `${now} ${randomId(6)}`);
    await writeParam(tx, RESTORED_PARAM, JSON.stringify({ at: now, key: audit.key, id: randomId(8) }));
    await writeAudit(tx, { action: "backup.restore", actor: audit.actor, changes: [audit.key] });
  });
  store.schemaChanged();
}

function isCollection(collections: Collection[], name: string): boolean {
  return collections.some((c) => c.name === name);
}

/**
 * Each system table of the backup on this store: it must exist here with every column the backup
 * has (a backup from a newer Backroom may not); values are written with this store's column kinds.
 */
async function systemTargets(
  tx: Db,
  store: Store,
  tables: ManifestTable[],
): Promise<Map<string, SnapshotColumn[]>> {
  const live = new Set(await baseTables(tx, store.dialect));
  const targets = new Map<string, SnapshotColumn[]>();
  for (const table of tables) {
    if (table.kind !== "system") continue;
    if (NOT_BACKED_UP.has(table.name)) throw invalid(`table "${table.name}" is never restored.`);
    if (!live.has(table.name))
      throw invalid(`table "${table.name}" is unknown to this Backroom (a newer backup?).`);
    const columns = await tableColumns(tx, store.dialect, table.name);
    targets.set(
      table.name,
      table.columns.map((c) => {
        const target = columns.find((t) => t.name === c.name);
        if (!target)
          throw invalid(`column "${table.name}.${c.name}" is unknown to this Backroom (a newer backup?).`);
        return target;
      }),
    );
  }
  return targets;
}

/** Drops the tables and views of the collections the store has now (views first: they read tables). */
async function dropCollections(tx: Db, store: Store): Promise<void> {
  const rows = await sql<{ data: string }>`SELECT data FROM _collections`.execute(tx);
  const live = rows.rows.map((r) => JSON.parse(r.data) as Collection);
  for (const collection of live.filter((c) => c.type === "view"))
    await applyCollectionDdl(tx, store.dialect, collection, undefined);
  for (const collection of live.filter((c) => c.type !== "view"))
    await applyCollectionDdl(tx, store.dialect, collection, undefined);
}

/**
 * Empties a system table before its rows go in; for `_params` and `_migrations` the rows of the
 * running installation stay, and the returned filter drops the backup's rows for the same keys.
 */
async function clearSystemTable(
  tx: Db,
  table: string,
): Promise<((row: unknown[], t: ManifestTable) => boolean) | null> {
  const keyed = (column: string, keep: (key: string) => boolean) => async () => {
    const rows = await sql<{ key: string }>`SELECT ${sql.ref(column)} AS key FROM ${sql.ref(table)}`.execute(
      tx,
    );
    await emptyTable(tx, table, { column, values: rows.rows.map((r) => r.key).filter(keep) });
    return (row: unknown[], t: ManifestTable) =>
      keep(String(row[t.columns.findIndex((c) => c.name === column)]));
  };
  if (table === "_params") return keyed("id", isLiveParam)();
  if (table === "_migrations") {
    const system = new Set(systemMigrations.map((m) => m.name));
    return keyed("file", (file) => system.has(file))();
  }
  await emptyTable(tx, table, null);
  return null;
}

/** The `_collections` rows just restored must describe the catalogue the tables are built from. */
async function checkCatalogue(tx: Db, collections: Collection[]): Promise<void> {
  const rows = await sql<{ id: string; name: string }>`SELECT id, name FROM _collections`.execute(tx);
  const stored = rows.rows.map((r) => `${r.id}:${r.name}`).sort();
  const listed = collections.map((c) => `${c.id}:${c.name}`).sort();
  if (JSON.stringify(stored) !== JSON.stringify(listed))
    throw invalid("the _collections table does not match the manifest's catalogue.");
}

/**
 * Views may read other views: each round creates those whose sources exist, under a savepoint so a
 * failure doesn't end PostgreSQL's transaction, until none is left or a round makes no progress.
 */
async function createViews(tx: Db, store: Store, views: Collection[]): Promise<void> {
  let pending = [...views];
  while (pending.length > 0) {
    const failed: { view: Collection; err: Error }[] = [];
    for (const view of pending) {
      await sql`SAVEPOINT backup_view`.execute(tx);
      try {
        await applyCollectionDdl(tx, store.dialect, undefined, view);
        await sql`RELEASE SAVEPOINT backup_view`.execute(tx);
      } catch (err) {
        await sql`ROLLBACK TO SAVEPOINT backup_view`.execute(tx);
        failed.push({ view, err: err as Error });
      }
    }
    if (failed.length === pending.length) {
      const first = failed[0] as { view: Collection; err: Error };
      throw invalid(`view "${first.view.name}" can't be created on this store: ${first.err.message}`);
    }
    pending = failed.map((f) => f.view);
  }
}
