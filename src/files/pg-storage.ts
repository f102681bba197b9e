import { Readable } from "node:stream";
import { randomId } from "../ids.js";
import {
  chunksOf,
  createFileRow,
  deleteFileById,
  deleteFileByKey,
  deleteFilesUnder,
  type FileRow,
  fileByKey,
  filesUnder,
  insertChunk,
  renameFileRow,
} from "../store/postgres/file-rows.js";
import type { Db } from "../store/store.js";
import {
  assertSafeKey,
  type ByteRange,
  type FileStorage,
  type StoredObject,
  TEMP_PREFIX,
} from "./storage.js";

/** Bytes per stored chunk: a Range read fetches only the chunks it covers. */
export const CHUNK_BYTES = 256 * 1024;
/** Chunks fetched per query while streaming out (1 MiB held at most per download). */
const CHUNKS_PER_READ = 4;
const LIST_PAGE = 1000;

const missing = (key: string) =>
  Object.assign(new Error(`no stored file ${JSON.stringify(key)}`), { code: "ENOENT" });

/**
 * Files kept in the PostgreSQL database itself (`_files`, `_file_chunks`): the default storage on
 * PostgreSQL without S3, so a file uploaded through any node downloads through every node with
 * nothing else to run or mount. Bytes stream in and out in 256 KiB chunks (a download holds at
 * most four in memory); a Range read fetches only the chunks it covers.
 *
 * A write fills a row under a key of its own in `.tmp/` and renames it to its key once every byte
 * is stored, so a reader never sees half a file; a write cut short (a crashed node) stays under
 * `.tmp/`, where the orphan sweep removes it after an hour. Moves are renames of a row, without
 * copying bytes; deleting a row deletes its chunks.
 */
export class PgStorage implements FileStorage {
  readonly shared = true;

  constructor(private readonly db: Db) {}

  async write(key: string, body: Readable, contentType: string): Promise<void> {
    assertSafeKey(key);
    const id = await createFileRow(this.db, `${TEMP_PREFIX}writing/${randomId(24)}`, contentType);
    try {
      let n = 0;
      let size = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      for await (const piece of body) {
        const buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as string | Uint8Array);
        pending.push(buffer);
        pendingBytes += buffer.length;
        while (pendingBytes >= CHUNK_BYTES) {
          const all = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
          await insertChunk(this.db, id, n++, all.subarray(0, CHUNK_BYTES));
          size += CHUNK_BYTES;
          pending = [all.subarray(CHUNK_BYTES)];
          pendingBytes = all.length - CHUNK_BYTES;
        }
      }
      if (pendingBytes > 0) {
        await insertChunk(this.db, id, n, Buffer.concat(pending));
        size += pendingBytes;
      }
      await renameFileRow(this.db, { id }, key, size);
    } catch (err) {
      await deleteFileById(this.db, id).catch(() => {});
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    assertSafeKey(key);
    const file = await fileByKey(this.db, key);
    if (!file) throw missing(key);
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? file.size - 1, file.size - 1);
    return Readable.from(this.bytes(file, start, end));
  }

  /** The bytes `start`..`end` (inclusive) of a file, a few chunks per query. */
  private async *bytes(file: FileRow, start: number, end: number): AsyncIterable<Buffer> {
    if (end < start) return;
    const last = Math.floor(end / CHUNK_BYTES);
    for (let first = Math.floor(start / CHUNK_BYTES); first <= last; first += CHUNKS_PER_READ) {
      const upTo = Math.min(last, first + CHUNKS_PER_READ - 1);
      const chunks = await chunksOf(this.db, file.id, first, upTo);
      // Deleted (or replaced) while being read: end with an error rather than short.
      if (chunks.length !== upTo - first + 1) throw missing(file.key);
      for (const [i, chunk] of chunks.entries()) {
        const offset = (first + i) * CHUNK_BYTES;
        const from = Math.max(0, start - offset);
        const to = Math.min(chunk.length, end - offset + 1);
        yield from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to);
      }
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    assertSafeKey(key);
    const file = await fileByKey(this.db, key);
    return file ? toObject(file) : null;
  }

  async move(from: string, to: string): Promise<void> {
    assertSafeKey(from);
    assertSafeKey(to);
    if (!(await renameFileRow(this.db, { key: from }, to))) throw missing(from);
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await deleteFileByKey(this.db, key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (!prefix.endsWith("/")) throw new Error("deletePrefix takes a folder prefix");
    assertSafeKey(prefix);
    await deleteFilesUnder(this.db, prefix);
  }

  async *list(prefix = ""): AsyncIterable<StoredObject> {
    if (prefix !== "") assertSafeKey(prefix);
    let after = "";
    for (;;) {
      const page = await filesUnder(this.db, prefix, after, LIST_PAGE);
      for (const file of page) yield toObject(file);
      if (page.length < LIST_PAGE) return;
      after = (page[page.length - 1] as FileRow).key;
    }
  }

  resolve(): Promise<FileStorage> {
    return Promise.resolve(this);
  }

  /** The pool belongs to the store, which closes it. */
  async close(): Promise<void> {}
}

function toObject(file: FileRow): StoredObject {
  return {
    key: file.key,
    size: file.size,
    modified: file.modified,
    ...(file.contentType ? { contentType: file.contentType } : {}),
  };
}
