import { Readable } from "node:stream";
import { tooLarge } from "../../errors/api-error.js";
import { randomId } from "../../ids.js";
import { storedFilename } from "../file-names.js";
import { SNIFF_BYTES, sniffContentType } from "../sniff.js";
import { type FileStorage, TEMP_PREFIX } from "../storage.js";
import { splitHead } from "../stream-head.js";
import { UploadedFile } from "../uploaded-file.js";
import type { TusSegment, TusUpload } from "./tus-store.js";

/** Where the pieces of uploads in flight are kept: one folder per upload. */
export const TUS_PREFIX = `${TEMP_PREFIX}tus/`;

/** The largest piece of a PATCH body held in memory before it is stored. */
export const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;

export function uploadFolder(id: string): string {
  return `${TUS_PREFIX}${id}/`;
}

/** Keys carry their offset (readable listings) and a random part, so two racing writers never share one. */
function segmentKey(id: string, offset: number): string {
  return `${uploadFolder(id)}${String(offset).padStart(16, "0")}-${randomId(8)}`;
}

export interface ReceiveOptions {
  /** Bytes this request may still add (Upload-Length minus the offset). */
  remaining: number;
  segmentBytes: number;
  /** Told each time bytes arrive (whoever waits for this request can tell it is alive). */
  onBytes?: () => void;
  /** Records a stored piece; false when the upload moved meanwhile (the piece is then deleted). */
  commit(segment: TusSegment): Promise<boolean>;
}

export interface Received {
  /** Bytes stored and committed by this request. */
  bytes: number;
  /** Set when the body broke off (a cut connection): what arrived before it is kept. */
  interrupted?: Error;
  /** The upload moved under this request (another writer committed first). */
  conflict?: boolean;
}

/**
 * Stores a PATCH body as pieces of at most `segmentBytes`, each committed as it is stored. When
 * the body breaks off midway, the bytes that did arrive are still stored and committed, so the
 * client resumes from exactly what the server holds. A body longer than `remaining` is refused
 * (413) at the byte that goes past it; what came before that byte stays, as a valid prefix.
 */
export async function receivePieces(
  storage: FileStorage,
  upload: TusUpload,
  source: AsyncIterable<unknown>,
  opts: ReceiveOptions,
): Promise<Received> {
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let stored = 0;
  const flush = async (): Promise<boolean> => {
    if (bufferedBytes === 0) return true;
    const body = Buffer.concat(buffered, bufferedBytes);
    buffered = [];
    bufferedBytes = 0;
    const key = segmentKey(upload.id, upload.offset + stored);
    await storage.write(key, Readable.from([body]), "application/octet-stream");
    if (!(await opts.commit({ key, size: body.length }))) {
      await storage.delete(key);
      return false;
    }
    stored += body.length;
    return true;
  };
  let overflow = false;
  try {
    for await (const chunk of source) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      opts.onBytes?.();
      if (stored + bufferedBytes + bytes.length > opts.remaining) {
        overflow = true;
        break;
      }
      buffered.push(bytes);
      bufferedBytes += bytes.length;
      if (bufferedBytes >= opts.segmentBytes && !(await flush())) return { bytes: stored, conflict: true };
    }
  } catch (err) {
    if (!(await flush())) return { bytes: stored, conflict: true };
    return { bytes: stored, interrupted: err as Error };
  }
  if (overflow) {
    buffered = [];
    bufferedBytes = 0;
    throw tooLarge("The upload must not be longer than its Upload-Length.");
  }
  if (!(await flush())) return { bytes: stored, conflict: true };
  return { bytes: stored };
}

/**
 * Joins a finished upload's pieces into one temp file, its type sniffed from its bytes, ready for
 * a record write to place like a multipart upload (`partName` says which body key it came under).
 */
export async function assemblePieces(
  storage: FileStorage,
  upload: TusUpload,
  partName: string,
): Promise<UploadedFile> {
  async function* joined() {
    for (const segment of upload.segments) yield* await storage.read(segment.key);
  }
  const tempKey = `${TEMP_PREFIX}${randomId(24)}`;
  const { head, stream } = await splitHead(Readable.from(joined(), { objectMode: false }), SNIFF_BYTES);
  const contentType = await sniffContentType(head);
  await storage.write(tempKey, stream, contentType);
  return new UploadedFile(storage, {
    partName,
    name: storedFilename(upload.filename),
    tempKey,
    size: upload.length,
    contentType,
  });
}
