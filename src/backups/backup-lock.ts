import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import type { StoreConfig } from "../store/store.js";

/** An arbitrary fixed key (the system migrations use 727_001). */
const LOCK_KEY = 727_016;

export type Release = () => Promise<void>;

/**
 * One backup or restore at a time for a store, across nodes and processes (the CLI next to a running
 * server): on PostgreSQL an advisory lock held by a connection of its own (freed if the holder
 * dies); on SQLite a lock file beside the database holding the owner's process id (a dead owner's
 * file is taken over). Resolves with null when another one runs.
 */
export async function tryBackupLock(store: StoreConfig): Promise<Release | null> {
  if (store.kind === "postgres") {
    const { tryAdvisoryLock } = await import("../store/postgres/advisory-lock.js");
    return tryAdvisoryLock(store, LOCK_KEY);
  }
  return tryLockFile(`${store.file}.backup-lock`);
}

function tryLockFile(path: string): Release | null {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return async () => {
        try {
          if (readFileSync(path, "utf8") === String(process.pid)) unlinkSync(path);
        } catch {
          // Already gone.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (ownerAlive(path)) return null;
      try {
        unlinkSync(path);
      } catch {
        // Another process took it over first: the next attempt sees its file.
      }
    }
  }
  return null;
}

function ownerAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path, "utf8"));
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
