import type { FilesConfig } from "../config/config.js";
import { LocalStorage } from "./local-storage.js";
import type { FileStorage } from "./storage.js";

/** The configured storage; the AWS SDK is loaded only when files go to S3. */
export async function openStorage(config: FilesConfig): Promise<FileStorage> {
  if (config.kind === "local") return new LocalStorage(config.dir);
  const { kind: _kind, ...options } = config;
  const { S3Storage } = await import("./s3-storage.js");
  return new S3Storage(options);
}
