import { Readable } from "node:stream";
import { ZipFile } from "yazl";
import { isMultiValued } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import { fileFields } from "../files/record-files.js";
import { type FileStorage, fileKey } from "../files/storage.js";
import { systemMigrations } from "../store/migrations/system-migrations.js";
import type { SnapshotColumn, StoreSnapshot } from "../store/snapshot.js";
import {
  type BackupManifest,
  FILES_DIR,
  FORMAT,
  FORMAT_VERSION,
  MANIFEST_ENTRY,
  type ManifestTable,
  NOT_BACKED_UP,
  tableEntry,
} from "./format.js";
import { catalogueOf, planTables } from "./plan.js";
import type { ProgressListener } from "./progress.js";
import { backroomVersion } from "./version.js";

export interface BackupArchive {
  /** The zip's bytes; consume it (it is produced as it is read). */
  stream: Readable;
  /** Resolves with the manifest once the last byte is out; rejects when the backup failed. */
  finished: Promise<BackupManifest>;
}

/**
 * Streams a backup of the snapshot and of the files its records hold: tables one after another
 * (rows in batches, never a whole table in memory), then the files (stored without recompression),
 * then the manifest. The snapshot is closed when the archive ends or fails.
 */
export function writeBackup(
  snapshot: StoreSnapshot,
  files: FileStorage,
  onProgress?: ProgressListener,
): BackupArchive {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  zip.on("error", (err: Error) => output.destroy(err));
  const finished = (async () => {
    try {
      const manifest = await fillZip(zip, snapshot, files, onProgress);
      zip.end();
      await new Promise<void>((resolve, reject) => {
        output.once("end", resolve);
        output.once("close", resolve);
        output.once("error", reject);
      });
      return manifest;
    } catch (err) {
      output.destroy(err as Error);
      throw err;
    } finally {
      await snapshot.close().catch(() => {});
    }
  })();
  // The caller sees failures through the stream; this keeps an unobserved rejection quiet.
  finished.catch(() => {});
  return { stream: output, finished };
}

async function fillZip(
  zip: ZipFile,
  snapshot: StoreSnapshot,
  files: FileStorage,
  onProgress?: ProgressListener,
): Promise<BackupManifest> {
  const created = new Date().toISOString();
  const tables = await snapshot.tables();
  const collections = await catalogueOf(snapshot, tables);
  const plan = planTables(tables, collections, NOT_BACKED_UP);
  const known = new Set(systemMigrations.map((m) => m.name));
  const manifestTables: ManifestTable[] = [];
  const referenced = new Set<string>();
  const migrations: string[] = [];
  for (const table of plan.tables) {
    const collection =
      table.kind === "collection" ? collections.find((c) => c.name === table.name) : undefined;
    const fileColumns = collection
      ? fileFields(collection).map((f) => ({
          index: table.columns.findIndex((c) => c.name === f.name),
          multiple: isMultiValued(f),
        }))
      : [];
    const idIndex = table.columns.findIndex((c) => c.name === "id");
    const migrationIndex =
      table.name === "_migrations" ? table.columns.findIndex((c) => c.name === "file") : -1;
    let rows = 0;
    const lines = async function* () {
      for await (const batch of snapshot.rows(table.name, table.columns)) {
        let text = "";
        for (const row of batch) {
          text += `${JSON.stringify(row)}\n`;
          if (collection && fileColumns.length > 0)
            for (const name of filenames(row, fileColumns))
              referenced.add(fileKey(collection.id, String(row[idIndex]), name));
          if (migrationIndex >= 0 && known.has(String(row[migrationIndex])))
            migrations.push(String(row[migrationIndex]));
        }
        rows += batch.length;
        onProgress?.({ phase: "table", table: table.name, rows });
        yield text;
      }
    };
    await addStream(zip, tableEntry(table.name), Readable.from(lines()), true);
    manifestTables.push({ name: table.name, kind: table.kind, columns: table.columns, rows });
  }
  const fileStats = await addFiles(zip, files, collections, referenced, onProgress);
  const manifest: BackupManifest = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    backroomVersion: backroomVersion(),
    store: snapshot.dialect,
    created,
    systemMigrations: migrations.sort(),
    collections,
    tables: manifestTables,
    files: fileStats,
    skippedTables: plan.skipped,
  };
  zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 1)), MANIFEST_ENTRY);
  return manifest;
}

/** Stored filenames in a row's file columns (single: the text; multiple: a JSON array's text). */
function filenames(row: unknown[], columns: { index: number; multiple: boolean }[]): string[] {
  const names: string[] = [];
  for (const { index, multiple } of columns) {
    const value = row[index];
    if (typeof value !== "string" || value === "") continue;
    if (!multiple) {
      names.push(value);
      continue;
    }
    try {
      const list = JSON.parse(value) as unknown;
      if (Array.isArray(list))
        for (const name of list) if (typeof name === "string" && name) names.push(name);
    } catch {
      // Not a list: nothing to back up for this cell.
    }
  }
  return names;
}

/** Adds one stream as an entry and waits until the zip has read all of it. */
function addStream(zip: ZipFile, name: string, stream: Readable, compress: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once("end", resolve);
    stream.once("error", reject);
    zip.addReadStream(stream, name, { compress });
  });
}

/** The files the snapshot's records hold that storage has (listed per collection, not one look-up each). */
async function addFiles(
  zip: ZipFile,
  files: FileStorage,
  collections: Collection[],
  referenced: Set<string>,
  onProgress?: ProgressListener,
): Promise<BackupManifest["files"]> {
  const present = new Map<string, number>();
  const storage = await files.resolve();
  for (const collection of collections) {
    if (fileFields(collection).length === 0) continue;
    for await (const object of storage.list(`${collection.id}/`))
      if (referenced.has(object.key)) present.set(object.key, object.size);
  }
  const missing = [...referenced].filter((key) => !present.has(key)).sort();
  const keys = [...present.keys()].sort();
  let done = 0;
  let bytes = 0;
  for (const key of keys) {
    await addStream(zip, FILES_DIR + key, await storage.read(key), false);
    bytes += present.get(key) ?? 0;
    onProgress?.({ phase: "files", done: ++done, total: keys.length });
  }
  return { count: keys.length, bytes, missing };
}

export type { SnapshotColumn };
