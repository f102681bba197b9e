import { sql } from "kysely";
import type { Db } from "../store.js";

/**
 * The statements of file storage in PostgreSQL (`files/pg-storage.ts`): one `_files` row per
 * stored object (key, size, type, time), its bytes in `_file_chunks` rows of a fixed size, deleted
 * with it (ON DELETE CASCADE). Keys are `COLLATE "C"`, so a prefix is a range of the key index.
 */

export interface FileRow {
  id: string;
  key: string;
  size: number;
  contentType: string;
  modified: Date;
}

interface RawFileRow {
  id: string;
  key: string;
  size: number;
  content_type: string;
  modified: Date;
}

const toFileRow = (r: RawFileRow): FileRow => ({
  id: r.id,
  key: r.key,
  size: Number(r.size),
  contentType: r.content_type,
  modified: r.modified,
});

/** `LIKE` pattern for keys starting with `prefix` (its own `%`, `_` and `\` taken literally). */
const startsWith = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A row for bytes about to be written, under a key of its own until they all are. */
export async function createFileRow(db: Db, key: string, contentType: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO _files (key, size, content_type) VALUES (${key}, 0, ${contentType})
    RETURNING id::text AS id`.execute(db);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error("file row was not created");
  return id;
}

export async function insertChunk(db: Db, fileId: string, n: number, data: Uint8Array): Promise<void> {
  await sql`INSERT INTO _file_chunks (file_id, n, data) VALUES (${fileId}::bigint, ${n}, ${data})`.execute(
    db,
  );
}

/**
 * Renames a row to `key` (replacing whatever was stored there), in one transaction. Renames to one
 * key take turns (a transaction-scoped advisory lock on the key's hash, in a key space of its own): two nodes placing the same
 * key at once (a thumb both made) would otherwise both find it free and the second fail on it.
 */
/** The first of the two 32-bit advisory lock keys (a space of its own: the one-key locks are apart). */
const RENAME_LOCKS = 727_006;

export async function renameFileRow(
  db: Db,
  from: { id: string } | { key: string },
  key: string,
  size?: number,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${RENAME_LOCKS}, hashtext(${key}))`.execute(tx);
    const match = "id" in from ? sql`id = ${from.id}::bigint` : sql`key = ${from.key}`;
    const current = await sql<{
      id: string;
    }>`SELECT id::text AS id FROM _files WHERE ${match} FOR UPDATE`.execute(tx);
    const id = current.rows[0]?.id;
    if (id === undefined) return false;
    await sql`DELETE FROM _files WHERE key = ${key} AND id <> ${id}::bigint`.execute(tx);
    const sized = size === undefined ? sql`` : sql`, size = ${size}`;
    await sql`UPDATE _files SET key = ${key}, modified = now()${sized} WHERE id = ${id}::bigint`.execute(tx);
    return true;
  });
}

export async function fileByKey(db: Db, key: string): Promise<FileRow | undefined> {
  const { rows } = await sql<RawFileRow>`
    SELECT id::text AS id, key, size, content_type, modified FROM _files WHERE key = ${key}`.execute(db);
  return rows[0] ? toFileRow(rows[0]) : undefined;
}

/** Chunks `first` to `last` (inclusive) of a file, in order. */
export async function chunksOf(db: Db, fileId: string, first: number, last: number): Promise<Buffer[]> {
  const { rows } = await sql<{ data: Buffer }>`
    SELECT data FROM _file_chunks WHERE file_id = ${fileId}::bigint AND n BETWEEN ${first} AND ${last}
    ORDER BY n`.execute(db);
  return rows.map((r) => r.data);
}

export async function deleteFileById(db: Db, id: string): Promise<void> {
  await sql`DELETE FROM _files WHERE id = ${id}::bigint`.execute(db);
}

export async function deleteFileByKey(db: Db, key: string): Promise<void> {
  await sql`DELETE FROM _files WHERE key = ${key}`.execute(db);
}

export async function deleteFilesUnder(db: Db, prefix: string): Promise<void> {
  await sql`DELETE FROM _files WHERE key LIKE ${startsWith(prefix)}`.execute(db);
}

/** Up to `limit` rows under `prefix` with keys after `after`, in key order (a page of a listing). */
export async function filesUnder(db: Db, prefix: string, after: string, limit: number): Promise<FileRow[]> {
  const { rows } = await sql<RawFileRow>`
    SELECT id::text AS id, key, size, content_type, modified FROM _files
     WHERE key LIKE ${startsWith(prefix)} AND key > ${after} ORDER BY key LIMIT ${limit}`.execute(db);
  return rows.map(toFileRow);
}

/** How many objects are stored. */
export async function fileCount(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM _files`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
