import type { FilesConfig } from "../config/config.js";
import { LocalStorage } from "./local-storage.js";
import { S3Storage } from "./s3-storage.js";
import type { FileStorage } from "./storage.js";

export function openStorage(config: FilesConfig): FileStorage {
  if (config.kind === "local") return new LocalStorage(config.dir);
  const { kind: _kind, ...options } = config;
  return new S3Storage(options);
}
