import type { Readable } from "node:stream";

/** What the storage knows about one stored object. */
export interface StoredObject {
  key: string;
  size: number;
  modified: Date;
  /** Set when the backend keeps it (S3 object metadata); local files are sniffed on read. */
  contentType?: string;
}

/** An inclusive byte range, as HTTP Range counts. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where uploaded files live: a local folder or an S3-compatible bucket. Keys are `/`-separated and
 * never absolute; record files are `<collectionId>/<recordId>/<filename>`, uploads in flight are
 * under `.tmp/`.
 */
export interface FileStorage {
  /** Whether other nodes write here too (S3): the orphan sweep then spares young objects. */
  readonly shared: boolean;
  /** Streams body to key; on any failure nothing is left at key. */
  write(key: string, body: Readable, contentType: string): Promise<void>;
  read(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<StoredObject | null>;
  /** Renames within the storage (a server-side copy on S3). */
  move(from: string, to: string): Promise<void>;
  /** Deletes one object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with prefix (a record's folder). */
  deletePrefix(prefix: string): Promise<void>;
  list(prefix?: string): AsyncIterable<StoredObject>;
  /**
   * The concrete storage operations go to right now: itself, except for storage that follows the
   * settings. An upload holds on to it, so a settings change between its temp write and its
   * placement can't split the two across storages.
   */
  resolve(): Promise<FileStorage>;
  close(): Promise<void>;
}

export const TEMP_PREFIX = ".tmp/";

export function recordPrefix(collectionId: string, recordId: string): string {
  return `${collectionId}/${recordId}/`;
}

export function fileKey(collectionId: string, recordId: string, filename: string): string {
  return `${recordPrefix(collectionId, recordId)}${filename}`;
}

/** Thumbs sit beside the original, in a folder named after it (deleted with it). */
export function thumbsPrefix(collectionId: string, recordId: string, filename: string): string {
  return `${recordPrefix(collectionId, recordId)}thumbs_${filename}/`;
}

export function thumbKey(collectionId: string, recordId: string, filename: string, size: string): string {
  return `${thumbsPrefix(collectionId, recordId, filename)}${size}_${filename}`;
}

const SAFE_SEGMENT = /^[^/\\\0]+$/;

/** Refuses keys that could leave the storage root: every segment plain, none `.` or `..`. */
export function assertSafeKey(key: string): void {
  const segments = key.split("/");
  const last = segments.length - 1;
  const ok = segments.every(
    (s, i) => (s === "" && i === last && i > 0) || (SAFE_SEGMENT.test(s) && s !== "." && s !== ".."),
  );
  if (!ok) throw new Error(`unsafe storage key ${JSON.stringify(key.slice(0, 200))}`);
}
