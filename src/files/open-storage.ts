import type { FilesConfig } from "../config/config.js";
import type { Settings } from "../settings/settings-model.js";
import { LocalStorage } from "./local-storage.js";
import { openS3, SettingsStorage } from "./settings-storage.js";
import type { FileStorage } from "./storage.js";

/**
 * The configured storage. S3 given by flags or environment is used as is; otherwise files go to
 * the local folder, or to the bucket `settings.s3` names once it is enabled (switchable at run
 * time). The AWS SDK is loaded only when files go to S3.
 */
export async function openStorage(
  config: FilesConfig,
  settings?: () => Promise<Pick<Settings, "s3">>,
): Promise<FileStorage> {
  if (config.kind === "s3") {
    const { kind: _kind, ...options } = config;
    return openS3(options);
  }
  const local = new LocalStorage(config.dir);
  return settings ? new SettingsStorage(local, settings) : local;
}
