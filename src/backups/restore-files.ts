import { randomBytes } from "node:crypto";
import { SNIFF_BYTES, sniffContentType } from "../files/sniff.js";
import type { FileStorage } from "../files/storage.js";
import { TEMP_PREFIX } from "../files/storage.js";
import { splitHead } from "../files/stream-head.js";
import type { ProgressListener } from "./progress.js";
import type { OpenedBackup } from "./read-backup.js";

/**
 * Puts the backup's files into storage before the database is restored. A file already stored
 * under the same key with the same size is the same file (stored names carry a random suffix) and
 * is left alone; one that differs is replaced (written beside it, then moved over). Resolves with
 * the keys it created, which a failed restore removes again.
 */
export async function restoreFiles(
  storage: FileStorage,
  backup: OpenedBackup,
  onProgress?: ProgressListener,
): Promise<string[]> {
  const created: string[] = [];
  const files = backup.files();
  let done = 0;
  try {
    for (const { key, size } of files) {
      const existing = await storage.stat(key);
      if (!existing || existing.size !== size) {
        const { head, stream } = await splitHead(await backup.openFile(key), SNIFF_BYTES);
        const type = await sniffContentType(head);
        if (!existing) {
          await storage.write(key, stream, type);
          created.push(key);
        } else {
          const temp = `${TEMP_PREFIX}restore-${randomBytes(8).toString("hex")}`;
          await storage.write(temp, stream, type);
          await storage.move(temp, key);
        }
      }
      onProgress?.({ phase: "files", done: ++done, total: files.length });
    }
  } catch (err) {
    await removeFiles(storage, created);
    throw err;
  }
  return created;
}

export async function removeFiles(storage: FileStorage, keys: string[]): Promise<void> {
  for (const key of keys) await storage.delete(key).catch(() => {});
}

/**
 * After a restore: removes stored files the restored records don't hold, so storage matches the
 * backup. Only objects older than the restore's start are touched (a write committed after the
 * restore may have placed a file since), uploads in flight (`.tmp/`) never, and thumbnails stay
 * when their original does.
 */
export async function removeFilesNotIn(
  storage: FileStorage,
  keep: Set<string>,
  before: Date,
): Promise<number> {
  const doomed: string[] = [];
  for await (const object of storage.list()) {
    if (object.key.startsWith(TEMP_PREFIX) || object.modified >= before || keep.has(object.key)) continue;
    const thumb = /^([^/]+\/[^/]+)\/thumbs_([^/]+)\//.exec(object.key);
    if (thumb && keep.has(`${thumb[1]}/${thumb[2]}`)) continue;
    doomed.push(object.key);
  }
  await removeFiles(storage, doomed);
  return doomed.length;
}
