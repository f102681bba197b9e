import type { Readable } from "node:stream";
import type { Settings } from "../settings/settings-model.js";
import type { S3Options } from "./s3-storage.js";
import type { ByteRange, FileStorage, StoredObject } from "./storage.js";

type S3Settings = Settings["s3"];

/** The S3 client options that `settings.s3` describes. */
export function s3OptionsFromSettings(s3: S3Settings): S3Options {
  return {
    bucket: s3.bucket,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    ...(s3.accessKey && s3.secret ? { accessKeyId: s3.accessKey, secretAccessKey: s3.secret } : {}),
  };
}

/** Opens S3 storage (the AWS SDK loads only when it is first needed). */
export async function openS3(options: S3Options): Promise<FileStorage> {
  const { S3Storage } = await import("./s3-storage.js");
  return new S3Storage(options);
}

/**
 * Storage that follows `settings.s3`: the local folder while S3 is off, the configured bucket once
 * it is on. Every operation asks the settings (a cached read; other nodes' changes arrive within the
 * settings cache's lifetime), so a change made in the admin UI applies to every node without a
 * restart. Files already stored stay where they were written, as in PocketBase. Used only when
 * no storage was given by flags or environment, which otherwise win.
 */
export class SettingsStorage implements FileStorage {
  private current: FileStorage;
  private currentKey = "local";
  private switching: Promise<FileStorage> | undefined;
  /** S3 backends replaced by a settings change: operations may still run on them; closed at the end. */
  private readonly retired: FileStorage[] = [];

  constructor(
    private readonly local: FileStorage,
    private readonly settings: () => Promise<Pick<Settings, "s3">>,
    private readonly open: (options: S3Options) => Promise<FileStorage> = openS3,
  ) {
    this.current = local;
  }

  /**
   * Whether the storage last resolved is shared by the nodes: the local folder's answer until an
   * operation has read the settings. Ask the storage `resolve()` returns to be sure.
   */
  get shared(): boolean {
    return this.current.shared;
  }

  /** The storage the current settings name (switching first if they changed). */
  resolve(): Promise<FileStorage> {
    return this.backend();
  }

  private async backend(): Promise<FileStorage> {
    const { s3 } = await this.settings();
    const key = s3.enabled ? JSON.stringify(s3OptionsFromSettings(s3)) : "local";
    if (key === this.currentKey) return this.current;
    this.switching ??= this.switchTo(key, s3).finally(() => {
      this.switching = undefined;
    });
    return this.switching;
  }

  private async switchTo(key: string, s3: S3Settings): Promise<FileStorage> {
    const next = key === "local" ? this.local : await this.open(s3OptionsFromSettings(s3));
    if (this.current !== this.local) this.retired.push(this.current);
    this.current = next;
    this.currentKey = key;
    return next;
  }

  async write(key: string, body: Readable, contentType: string): Promise<void> {
    return (await this.backend()).write(key, body, contentType);
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    return (await this.backend()).read(key, range);
  }

  async stat(key: string): Promise<StoredObject | null> {
    return (await this.backend()).stat(key);
  }

  async move(from: string, to: string): Promise<void> {
    return (await this.backend()).move(from, to);
  }

  async delete(key: string): Promise<void> {
    return (await this.backend()).delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    return (await this.backend()).deletePrefix(prefix);
  }

  async *list(prefix?: string): AsyncIterable<StoredObject> {
    yield* (await this.backend()).list(prefix);
  }

  async close(): Promise<void> {
    const all = new Set([this.current, this.local, ...this.retired]);
    await Promise.all([...all].map((s) => s.close()));
  }
}
