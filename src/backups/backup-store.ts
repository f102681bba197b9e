import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { LocalStorage } from "../files/local-storage.js";
import type { S3Options } from "../files/s3-storage.js";
import { openS3, s3OptionsFromSettings } from "../files/settings-storage.js";
import type { FileStorage } from "../files/storage.js";
import { nowDate } from "../ids.js";
import type { Settings } from "../settings/settings-model.js";

/** A stored backup as `GET /api/backups` lists it. */
export interface BackupFileInfo {
  key: string;
  size: number;
  modified: string;
}

/** Where backups being written or fetched sit until they are complete (hidden from the list). */
const TEMP = ".tmp";

/**
 * Where backup zips are kept: `<dir>/backups` on this node, or the bucket of `settings.backups.s3`
 * once it is enabled (read on every call, so every node follows a settings change). Keys are
 * plain file names.
 */
export class BackupStore {
  private s3: { key: string; storage: FileStorage } | undefined;
  private readonly local: LocalStorage;

  constructor(
    readonly localDir: string,
    private readonly settings: () => Promise<Pick<Settings, "backups">>,
    private readonly open: (options: S3Options) => Promise<FileStorage> = openS3,
  ) {
    this.local = new LocalStorage(localDir);
  }

  private async backend(): Promise<{ storage: FileStorage; local: boolean }> {
    const { s3 } = (await this.settings()).backups;
    if (!s3.enabled) return { storage: this.local, local: true };
    const options = s3OptionsFromSettings(s3);
    const key = JSON.stringify(options);
    if (this.s3?.key !== key) {
      await this.s3?.storage.close();
      this.s3 = { key, storage: await this.open(options) };
    }
    return { storage: this.s3.storage, local: false };
  }

  async list(): Promise<BackupFileInfo[]> {
    const { storage } = await this.backend();
    const found: BackupFileInfo[] = [];
    for await (const object of storage.list()) {
      if (object.key.includes("/") || object.key.startsWith(".")) continue;
      found.push({ key: object.key, size: object.size, modified: nowDate(object.modified) });
    }
    return found.sort((a, b) => a.key.localeCompare(b.key));
  }

  async stat(key: string): Promise<BackupFileInfo | null> {
    const { storage } = await this.backend();
    const found = await storage.stat(key);
    return found ? { key, size: found.size, modified: nowDate(found.modified) } : null;
  }

  async read(key: string): Promise<Readable> {
    return (await this.backend()).storage.read(key);
  }

  async delete(key: string): Promise<void> {
    await (await this.backend()).storage.delete(key);
  }

  /**
   * Stores a backup under `key` whole or not at all: locally it is written under a temporary name
   * and renamed; an S3 upload only appears once complete.
   */
  async write(key: string, body: Readable): Promise<void> {
    const { storage, local } = await this.backend();
    if (!local) return storage.write(key, body, "application/zip");
    const temp = `${TEMP}/${randomBytes(8).toString("hex")}.zip`;
    await storage.write(temp, body, "application/zip");
    try {
      await storage.move(temp, key);
    } catch (err) {
      await storage.delete(temp);
      throw err;
    }
  }

  /**
   * A local file holding the backup (zip reading needs random access): the stored file itself,
   * or for S3 a downloaded copy that `release` removes.
   */
  async localCopy(key: string): Promise<{ path: string; release(): Promise<void> }> {
    const { storage, local } = await this.backend();
    if (local) {
      if (!(await storage.stat(key))) throw new Error(`backup "${key}" not found`);
      return { path: join(this.localDir, key), release: async () => {} };
    }
    return this.download(await storage.read(key));
  }

  /** Saves a stream (an upload, a download) as a temporary local file. */
  async download(body: Readable): Promise<{ path: string; release(): Promise<void> }> {
    const dir = join(this.localDir, TEMP);
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${randomBytes(8).toString("hex")}.zip`);
    const release = () => rm(path, { force: true });
    try {
      await pipeline(body, createWriteStream(path, { flags: "wx" }));
    } catch (err) {
      await release();
      throw err;
    }
    return { path, release };
  }

  async close(): Promise<void> {
    await this.s3?.storage.close();
    this.s3 = undefined;
  }
}
