import { sql } from "kysely";
import { nowDate } from "../../ids.js";
import type { DialectName } from "../../store/sql-fragments.js";
import type { Db } from "../../store/store.js";

/** The first of the two 32-bit advisory lock keys: one owner's uploads (a space of its own). */
const OWNER_LOCKS = 727_021;

/** One stored piece of an upload: its storage key and byte count, in upload order. */
export interface TusSegment {
  key: string;
  size: number;
}

/** A resumable upload as `_tus_uploads` keeps it. */
export interface TusUpload {
  id: string;
  /** `<authCollectionId>/<recordId>` of the uploader, or `apikey/<id>`. */
  owner: string;
  collectionId: string;
  field: string;
  /** The record the file attaches to on completion; "" when a create or update will name it. */
  recordId: string;
  filename: string;
  /** The Upload-Metadata header as the client sent it (HEAD answers it back). */
  metadata: string;
  length: number;
  offset: number;
  segments: TusSegment[];
  created: string;
  updated: string;
}

interface TusRow {
  id: string;
  owner: string;
  collection_id: string;
  field: string;
  record_id: string;
  filename: string;
  metadata: string;
  length: number | string;
  upload_offset: number | string;
  segments: string;
  created: string;
  updated: string;
}

function parseSegments(text: string): TusSegment[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as TusSegment[]) : [];
  } catch {
    return [];
  }
}

// PostgreSQL answers BIGINT as a string.
const toUpload = (row: TusRow): TusUpload => ({
  id: row.id,
  owner: row.owner,
  collectionId: row.collection_id,
  field: row.field,
  recordId: row.record_id,
  filename: row.filename,
  metadata: row.metadata,
  length: Number(row.length),
  offset: Number(row.upload_offset),
  segments: parseSegments(row.segments),
  created: row.created,
  updated: row.updated,
});

export async function insertTusUpload(
  db: Db,
  upload: Omit<TusUpload, "offset" | "segments" | "created" | "updated">,
): Promise<TusUpload> {
  const now = nowDate();
  const row: TusRow = {
    id: upload.id,
    owner: upload.owner,
    collection_id: upload.collectionId,
    field: upload.field,
    record_id: upload.recordId,
    filename: upload.filename,
    metadata: upload.metadata,
    length: upload.length,
    upload_offset: 0,
    segments: "[]",
    created: now,
    updated: now,
  };
  await db.insertInto("_tus_uploads").values(row).execute();
  return toUpload(row);
}

export async function findTusUpload(db: Db, id: string): Promise<TusUpload | undefined> {
  const row = (await db.selectFrom("_tus_uploads").selectAll().where("id", "=", id).executeTakeFirst()) as
    | TusRow
    | undefined;
  return row ? toUpload(row) : undefined;
}

/**
 * Inside a transaction, makes the count and insert of one owner's uploads one step: on PostgreSQL a
 * lock per owner held to the commit; SQLite's write transactions already run one at a time.
 */
export async function lockTusOwner(tx: Db, dialect: DialectName, owner: string): Promise<void> {
  if (dialect === "postgres")
    await sql`SELECT pg_advisory_xact_lock(${OWNER_LOCKS}, hashtext(${owner}))`.execute(tx);
}

/** Uploads of one owner still receiving bytes and touched since `since`. */
export async function countOpenTusUploads(db: Db, owner: string, since: string): Promise<number> {
  const row = await db
    .selectFrom("_tus_uploads")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("owner", "=", owner)
    .where("updated", ">=", since)
    .whereRef("upload_offset", "<", "length")
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Adds a piece at the offset the caller read: false when the offset moved meanwhile (another
 * request, maybe on another node, appended first), and nothing changed.
 */
export async function appendTusSegment(db: Db, upload: TusUpload, segment: TusSegment): Promise<boolean> {
  const result = await db
    .updateTable("_tus_uploads")
    .set({
      upload_offset: upload.offset + segment.size,
      segments: JSON.stringify([...upload.segments, segment]),
      updated: nowDate(),
    })
    .where("id", "=", upload.id)
    .where("upload_offset", "=", upload.offset)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes the row; false when it was already gone (another request finished or ended it). */
export async function deleteTusUpload(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom("_tus_uploads").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Uploads untouched since `before` (expired), oldest first, at most `limit`. */
export async function staleTusUploads(db: Db, before: string, limit: number): Promise<TusUpload[]> {
  const rows = (await db
    .selectFrom("_tus_uploads")
    .selectAll()
    .where("updated", "<", before)
    .orderBy("updated")
    .limit(limit)
    .execute()) as TusRow[];
  return rows.map(toUpload);
}

/** Ids of the uploads that exist among `ids` (the clean-up's check for pieces left without a row). */
export async function existingTusIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom("_tus_uploads").select("id").where("id", "in", ids).execute();
  return new Set(rows.map((r) => r.id as string));
}
