import type { Collection } from "../collections/model.js";
import { CLUSTER_STATE_TABLES } from "../store/postgres/cluster-tables.js";
import type { SnapshotColumn } from "../store/snapshot.js";
import type { DialectName } from "../store/sql-fragments.js";

/**
 * The backup format: a zip holding `manifest.json`, one NDJSON file per table (`tables/<name>.ndjson`,
 * one JSON array per row in the manifest's column order) and the uploaded files (`files/<key>`).
 * Values are store-neutral (see ColumnKind), so a backup restores into either store.
 */
export const FORMAT = "backroom-backup";
export const FORMAT_VERSION = 1;
export const MANIFEST_ENTRY = "manifest.json";
export const tableEntry = (table: string) => `tables/${table}.ndjson`;
export const FILES_DIR = "files/";

export interface ManifestTable {
  name: string;
  /** "collection": a base/auth collection's table, recreated from the catalogue on restore. */
  kind: "system" | "collection";
  columns: SnapshotColumn[];
  rows: number;
}

export interface BackupManifest {
  format: typeof FORMAT;
  formatVersion: number;
  /** Backroom's version that wrote it. */
  backroomVersion: string;
  /** The store it was taken from (a backup restores into either). */
  store: DialectName;
  /** When the snapshot was taken (ISO 8601). */
  created: string;
  /** Backroom's own schema changes applied to the source (a newer set than the target's is refused). */
  systemMigrations: string[];
  /** The collections (the catalogue), as stored in `_collections`. */
  collections: Collection[];
  tables: ManifestTable[];
  files: { count: number; bytes: number; missing: string[] };
  /** Tables in the source that Backroom did not create (made by raw SQL): not in the backup. */
  skippedTables: string[];
}

/**
 * Tables a backup leaves out, and a restore leaves as they are on the target: the request log
 * (observations, pruned after days), the outbox (events already dispatched: restoring them would
 * fire webhooks and realtime again), the job queue (work pending in the present, which a restore
 * must neither drop nor run twice), and on PostgreSQL the nodes' shared working state and the file
 * storage's own tables (files travel as files, through the storage, like any other storage's), and
 * resumable uploads in flight (their pieces are temp files, which backups don't carry).
 */
export const NOT_BACKED_UP = new Set(["_logs", "_outbox", "_jobs", "_tus_uploads", ...CLUSTER_STATE_TABLES]);

/**
 * `_params` rows that belong to the running installation, not to its data: kept as the target has
 * them (the outbox position, first-run setup tokens, the schedule's last tick).
 */
export function isLiveParam(id: string): boolean {
  return (
    id === "outbox_dispatched" ||
    id === "collections_version" ||
    id === "settings_version" ||
    id === "backups_auto_tick" ||
    id === "backups_restored" ||
    id.startsWith("adminSetup")
  );
}
