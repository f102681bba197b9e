import type { FilesConfig } from "../config/config.js";
import type { Settings } from "../settings/settings-model.js";
import type { Db } from "../store/store.js";
import { LocalStorage } from "./local-storage.js";
import { PgStorage } from "./pg-storage.js";
import { openS3, SettingsStorage } from "./settings-storage.js";
import type { FileStorage } from "./storage.js";

/**
 * The configured storage. S3 given by flags or environment is used as is; otherwise files go to
 * the local folder or (PostgreSQL's default) into the database, or to the bucket `settings.s3`
 * names once it is enabled (switchable at run time). The AWS SDK is loaded only when files go to S3.
 * `db` is the store's query builder, needed when files are kept in the database.
 */
export async function openStorage(
  config: FilesConfig,
  settings?: () => Promise<Pick<Settings, "s3">>,
  db?: Db,
): Promise<FileStorage> {
  if (config.kind === "s3") {
    const { kind: _kind, ...options } = config;
    return openS3(options);
  }
  let base: FileStorage;
  if (config.kind === "database") {
    if (!db) throw new Error("files kept in the database need the store");
    base = new PgStorage(db);
  } else {
    base = new LocalStorage(config.dir);
  }
  return settings ? new SettingsStorage(base, settings) : base;
}
