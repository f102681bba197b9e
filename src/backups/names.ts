/** Names of backup files, as PocketBase allows and generates them. */

/** What `POST /api/backups {name}` accepts (PocketBase's rule, 1–150 characters). */
export const BACKUP_NAME = /^[a-z0-9_-]+\.zip$/;
export const MAX_NAME_LENGTH = 150;

/** Prefix of the backups the schedule makes; only these are pruned by `cronMaxKeep`. */
export const AUTO_PREFIX = "@auto_pb_backup_";

/**
 * Keys that may name a stored backup (uploads keep their file name, auto backups start with "@"):
 * one plain path segment, never hidden, never a path.
 */
const SAFE_KEY = /^[A-Za-z0-9@_][A-Za-z0-9@._-]*$/;

export function isSafeBackupKey(key: string): boolean {
  return key.length <= MAX_NAME_LENGTH && SAFE_KEY.test(key) && !key.includes("..");
}

/** `<prefix><app name in snake case, ≤ 50>_<UTC yyyymmddhhmmss>.zip`, as PocketBase names them. */
export function generateBackupName(prefix: string, appName: string, now = new Date()): string {
  const snake =
    appName
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/[^A-Za-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .toLowerCase()
      .slice(0, 50) || "backroom";
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `${prefix}${snake}_${stamp}.zip`;
}
