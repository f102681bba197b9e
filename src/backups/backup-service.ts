import { createReadStream } from "node:fs";
import { rename, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Actor } from "../audit/audit-entry.js";
import { badRequest } from "../errors/api-error.js";
import type { OutboxEntry } from "../events/outbox.js";
import type { FileStorage } from "../files/storage.js";
import type { Settings } from "../settings/settings-model.js";
import type { Store, StoreConfig } from "../store/store.js";
import { type Release, tryBackupLock } from "./backup-lock.js";
import { type BackupFileInfo, BackupStore } from "./backup-store.js";
import type { BackupManifest } from "./format.js";
import { AUTO_PREFIX, generateBackupName } from "./names.js";
import { readParam } from "./params.js";
import type { ProgressListener } from "./progress.js";
import type { BackupLimits } from "./read-backup.js";

/** The `_params` row a restore writes (see restore-database.ts; here to keep that module lazy). */
const RESTORED_PARAM = "backups_restored";

/** The zip and restore code loads on first use: a server that never restores doesn't hold it. */
const restoring = () =>
  Promise.all([
    import("./read-backup.js"),
    import("./restore-database.js"),
    import("./restore-files.js"),
  ]).then(([read, database, files]) => ({ ...read, ...database, ...files }));

/** What backups need from the app (nothing of the HTTP layer). */
export interface BackupDeps {
  store: Store;
  storeConfig: StoreConfig;
  /** The data folder: local backups live in `<dataDir>/backups`. */
  dataDir: string;
  files: FileStorage;
  settings: { get(): Promise<Settings>; invalidate(): void };
  registry: { load(): Promise<void> };
  /** Ends live connections after a restore (clients reconnect and resubscribe to the restored state). */
  realtime?: { disconnectAll(): void };
  limits?: BackupLimits;
}

export const BUSY_MESSAGE = "Try again later - another backup/restore process has already been started.";

/**
 * Backups of the whole installation (data, collections, settings, files) and restores, one at a
 * time across nodes and processes; see src/backups/README.md for the format and what is kept.
 */
export class BackupService {
  readonly backups: BackupStore;
  /** The backup or restore this process runs now, by name. */
  active: string | null = null;
  private holds = 0;
  private deferred: { listener: (e: OutboxEntry) => Promise<void> | void; entry: OutboxEntry }[] = [];
  private lastRestored: string | undefined;

  constructor(private readonly deps: BackupDeps) {
    this.backups = new BackupStore(join(deps.dataDir, "backups"), () => deps.settings.get());
  }

  list(): Promise<BackupFileInfo[]> {
    return this.backups.list();
  }

  /** A name for a backup nobody named: `pb_backup_<app>_<time>.zip`, as PocketBase names them. */
  async defaultName(prefix = "pb_backup_"): Promise<string> {
    return generateBackupName(prefix, (await this.deps.settings.get()).meta.appName);
  }

  /** Takes a backup under `name` (refused while another backup or restore runs). */
  async create(name: string, onProgress?: ProgressListener): Promise<BackupManifest> {
    return this.exclusive(name, async () => {
      if (await this.backups.stat(name))
        throw badRequest("Failed to create backup.", {
          name: {
            code: "validation_backup_name_exists",
            message: "The backup file name is invalid or already exists.",
          },
        });
      const [{ openSnapshot }, { writeBackup }] = await Promise.all([
        import("../store/open-snapshot.js"),
        import("./write-backup.js"),
      ]);
      this.holds++;
      try {
        const snapshot = await openSnapshot(this.deps.storeConfig);
        const archive = writeBackup(snapshot, this.deps.files, onProgress);
        await this.backups.write(name, archive.stream);
        const manifest = await archive.finished;
        onProgress?.({
          phase: "done",
          rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
          files: manifest.files.count,
          bytes: (await this.backups.stat(name))?.size ?? 0,
        });
        return manifest;
      } finally {
        this.holds--;
        if (this.holds === 0) await this.replayDeferred();
      }
    });
  }

  /** The scheduled backup: an `@auto_pb_backup_…` name, then only the newest `cronMaxKeep` of those stay. */
  async createScheduled(): Promise<string> {
    const name = await this.defaultName(AUTO_PREFIX);
    await this.create(name);
    const { cronMaxKeep } = (await this.deps.settings.get()).backups;
    if (cronMaxKeep > 0) {
      const auto = (await this.backups.list())
        .filter((b) => b.key.startsWith(AUTO_PREFIX))
        .sort((a, b) => b.modified.localeCompare(a.modified) || b.key.localeCompare(a.key));
      for (const old of auto.slice(cronMaxKeep)) await this.backups.delete(old.key);
    }
    return name;
  }

  /** Deletes a stored backup (not the one being written or restored). */
  async delete(key: string): Promise<void> {
    if (this.active === key) throw badRequest("The backup is currently being used and cannot be deleted.");
    if (!(await this.backups.stat(key))) throw badRequest("Invalid or already deleted backup file.");
    await this.backups.delete(key);
  }

  /**
   * Stores an uploaded backup under `key`, once it has been checked as a restorable backup (a zip
   * with a valid manifest and every table it lists); a refused one leaves nothing behind.
   */
  async upload(key: string, body: Readable): Promise<void> {
    const copy = await this.backups.download(body);
    try {
      const { OpenedBackup } = await restoring();
      (await OpenedBackup.open(copy.path, this.deps.limits)).close();
      if (await this.backups.stat(key))
        throw badRequest("An error occurred while validating the submitted data.", {
          file: {
            code: "validation_backup_name_exists",
            message: "Backup file with the specified name already exists.",
          },
        });
      if (!(await this.isS3())) {
        await rename(copy.path, join(this.backups.localDir, key));
        return;
      }
      await this.backups.write(key, createReadStream(copy.path));
    } finally {
      await copy.release();
    }
  }

  private async isS3(): Promise<boolean> {
    return (await this.deps.settings.get()).backups.s3.enabled;
  }

  /** Restores a stored backup (see restoreFrom). */
  async restore(key: string, actor: Actor | null, onProgress?: ProgressListener): Promise<void> {
    return this.exclusive(key, async () => {
      if (!(await this.backups.stat(key))) throw badRequest("Missing or invalid backup file.");
      const copy = await this.backups.localCopy(key);
      try {
        await this.restoreLocked(copy.path, key, actor, onProgress);
      } finally {
        await copy.release();
      }
    });
  }

  /** Restores a zip file from the local disk (the CLI's `backup restore file.zip`). */
  async restoreFile(path: string, actor: Actor | null, onProgress?: ProgressListener): Promise<void> {
    await stat(path);
    return this.exclusive(path, () => this.restoreLocked(path, path, actor, onProgress));
  }

  /**
   * The zip is checked whole before anything changes; then the files go in, then the database in one
   * transaction (a failure removes the files it added); after the commit this node reloads the
   * catalogue and settings, ends realtime connections and removes stored files the backup doesn't hold.
   */
  private async restoreLocked(path: string, key: string, actor: Actor | null, onProgress?: ProgressListener) {
    const startedAt = new Date();
    const { OpenedBackup, restoreFiles, restoreDatabase, removeFiles, removeFilesNotIn } = await restoring();
    const backup = await OpenedBackup.open(path, this.deps.limits);
    try {
      const storage = await this.deps.files.resolve();
      const created = await restoreFiles(storage, backup, onProgress);
      try {
        await restoreDatabase(this.deps.store, backup, { actor, key }, onProgress);
      } catch (err) {
        await removeFiles(storage, created);
        throw err;
      }
      await this.afterRestore();
      const keep = new Set(backup.files().map((f) => f.key));
      await removeFilesNotIn(storage, keep, startedAt);
    } finally {
      backup.close();
    }
  }

  /** What every node does once a restore committed (this one at once, others when they notice). */
  private async afterRestore(): Promise<void> {
    this.lastRestored = await this.readRestored();
    this.deps.settings.invalidate();
    await this.deps.registry.load();
    this.deps.realtime?.disconnectAll();
  }

  /**
   * Called when this node's registry reloaded because the catalogue changed elsewhere: when that
   * change was a restore (another node, the CLI), this node lets go of what it holds too.
   */
  async noticeRestore(): Promise<void> {
    const restored = await this.readRestored();
    if (this.lastRestored === undefined) {
      this.lastRestored = restored;
      return;
    }
    if (restored === this.lastRestored) return;
    this.lastRestored = restored;
    this.deps.settings.invalidate();
    this.deps.realtime?.disconnectAll();
  }

  private async readRestored(): Promise<string> {
    return (await readParam(this.deps.store.db, RESTORED_PARAM)) ?? "";
  }

  /**
   * Wraps an outbox listener that deletes stored files: while this node writes a backup its
   * deletions wait (the snapshot may hold records whose files a later write dropped), then run.
   */
  deferDuringBackup(listener: (entry: OutboxEntry) => Promise<void> | void) {
    return async (entry: OutboxEntry): Promise<void> => {
      if (this.holds > 0) this.deferred.push({ listener, entry });
      else await listener(entry);
    };
  }

  private async replayDeferred(): Promise<void> {
    for (const { listener, entry } of this.deferred.splice(0))
      await Promise.resolve(listener(entry)).catch(() => {});
  }

  /** Starts reading what `readRestored` compares against (call once the store is open). */
  async start(): Promise<void> {
    this.lastRestored = await this.readRestored();
  }

  private async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.active !== null) throw badRequest(BUSY_MESSAGE);
    this.active = name;
    let release: Release | null = null;
    try {
      release = await tryBackupLock(this.deps.storeConfig);
      if (!release) throw badRequest(BUSY_MESSAGE);
      return await fn();
    } finally {
      this.active = null;
      await release?.();
    }
  }

  async close(): Promise<void> {
    await this.backups.close();
  }
}
