import { fileMaxSize } from "../collections/fields/file.js";
import { isMultiValued } from "../collections/fields/index.js";
import type { Collection, FileField } from "../collections/model.js";
import {
  ApiError,
  badRequest,
  issue,
  notFound,
  tooManyRequests,
  unauthorized,
  validationError,
} from "../errors/api-error.js";
import { fileFieldName } from "../files/file-parts.js";
import { fileFields } from "../files/record-files.js";
import type { FileStorage } from "../files/storage.js";
import {
  assemblePieces,
  DEFAULT_SEGMENT_BYTES,
  receivePieces,
  TUS_PREFIX,
  uploadFolder,
} from "../files/tus/tus-pieces.js";
import {
  appendTusSegment,
  countOpenTusUploads,
  deleteTusUpload,
  existingTusIds,
  findTusUpload,
  insertTusUpload,
  lockTusOwner,
  staleTusUploads,
  type TusUpload,
} from "../files/tus/tus-store.js";
import type { UploadedFile } from "../files/uploaded-file.js";
import { nowDate, randomId } from "../ids.js";
import { accessFor, readOnly } from "../records/access.js";
import { type RequestContext, requestInfo } from "../records/request-context.js";
import type { Settings } from "../settings/settings-model.js";
import type { Store } from "../store/store.js";
import type { RecordActions } from "./record-actions.js";

const HOUR_MS = 3_600_000;
/** How long a request waits for another one on the same upload (a cut PATCH still storing its tail). */
const BUSY_WAIT_MS = 10_000;
/** A PATCH that received nothing for this long while another request waits is taken to be dead. */
const STALLED_MS = 1_000;

/** The request working on an upload now. */
interface Busy {
  done: Promise<unknown>;
  /** When its body last brought bytes. */
  lastBytes: number;
  interrupt?: () => void;
}
const MAX_ID_LENGTH = 100;
/** A file field's value naming a finished upload: `"tus:<uploadId>"`. */
const REFERENCE = "tus:";

export interface TusDeps {
  store: Store;
  records: RecordActions;
  files: FileStorage;
  settings: () => Promise<Settings>;
  /** The largest piece of a PATCH body held in memory before it is stored. */
  segmentBytes?: number;
}

export interface NewUpload {
  /** Upload-Length; undefined when the client did not send it. */
  length: number | undefined;
  metadata: Map<string, string>;
  /** The Upload-Metadata header as sent, answered back by HEAD. */
  rawMetadata: string;
}

export interface AppendResult {
  upload: TusUpload;
  /** The body broke off: the client is gone and gets no answer. */
  interrupted: boolean;
}

/** An upload in flight with the time it expires. */
export type TusState = TusUpload & { expires: Date };

/**
 * Resumable uploads (tus 1.0) on top of the file storage: who may start one and for which record
 * field, how bytes are appended at an offset, and how a finished upload becomes a record's file
 * through the ordinary record update or create, so it gets the same validation (maxSize,
 * mimeTypes from the sniffed bytes, maxSelect), rules, hooks, audit entry and event as a multipart
 * upload. The protocol's headers are the route's (`http/routes/tus.ts`).
 */
export class TusUploads {
  private readonly busy = new Map<string, Busy>();

  constructor(private readonly deps: TusDeps) {}

  /** POST /api/tus: checks the target and the requester's rights, then records the upload. */
  async create(ctx: RequestContext, input: NewUpload): Promise<TusState> {
    const owner = ownerOf(ctx);
    if (input.length === undefined)
      throw badRequest("Upload-Length is required (deferred lengths are not supported).");
    const { metadata } = input;
    const collectionName = metadata.get("collection") ?? "";
    const fieldName = metadata.get("field") ?? "";
    if (collectionName === "" || fieldName === "") {
      throw badRequest("Upload-Metadata must name the collection and the file field.", {
        ...(collectionName === "" ? { collection: issue("validation_required", "Cannot be blank.") } : {}),
        ...(fieldName === "" ? { field: issue("validation_required", "Cannot be blank.") } : {}),
      });
    }
    const collection = this.deps.records.collection(collectionName);
    readOnly(collection);
    const field = fileFields(collection).find((f) => f.name === fieldName);
    if (!field) throw badRequest(`"${fieldName.slice(0, 100)}" is not a file field of this collection.`);
    const maxSize = fileMaxSize(field);
    if (input.length > maxSize) {
      throw new ApiError(413, `The file must not be larger than ${maxSize} bytes.`, {
        [field.name]: issue(
          "validation_file_size_limit",
          `The file must not be larger than ${maxSize} bytes.`,
          {
            maxSize,
          },
        ),
      });
    }
    const recordId = metadata.get("recordId") ?? "";
    if (recordId.length > MAX_ID_LENGTH) throw badRequest("recordId is too long.");
    if (recordId !== "") await this.assertMayUpdate(collection, recordId, ctx);
    else accessFor(collection, "create", ctx);
    const settings = await this.deps.settings();
    const since = nowDate(new Date(Date.now() - settings.tus.expiryHours * HOUR_MS));
    const { store } = this.deps;
    const length = input.length;
    // Counted and inserted as one step, so parallel creations can't all slip under the bound.
    const upload = await store.transaction(async (tx) => {
      await lockTusOwner(tx, store.dialect, owner);
      const open = await countOpenTusUploads(tx, owner, since);
      if (open >= settings.tus.maxUploadsPerUser) {
        throw tooManyRequests(
          `At most ${settings.tus.maxUploadsPerUser} unfinished uploads at a time: finish or delete one first.`,
        );
      }
      return insertTusUpload(tx, {
        id: randomId(24),
        owner,
        collectionId: collection.id,
        field: field.name,
        recordId,
        length,
        filename: metadata.get("filename") ?? metadata.get("name") ?? "file",
        metadata: input.rawMetadata,
      });
    });
    return this.withExpiry(upload, settings);
  }

  /** HEAD: the upload's state; only its owner sees it (anyone else gets a 404). */
  async state(ctx: RequestContext, id: string): Promise<TusState> {
    return this.exclusive(id, undefined, async () => {
      const settings = await this.deps.settings();
      return this.withExpiry(await this.owned(ctx, id, settings), settings);
    });
  }

  /**
   * PATCH: appends the body at `offset` (409 when it is not the upload's offset). The last bytes
   * of an upload made for a record attach the file to it, through the record update.
   */
  async append(
    ctx: RequestContext,
    id: string,
    offset: number,
    contentLength: number | undefined,
    body: AsyncIterable<unknown>,
    /** Stops reading `body` (the route destroys the request): a newer request took over. */
    interrupt?: () => void,
  ): Promise<AppendResult & { expires: Date }> {
    return this.exclusive(id, interrupt, async (busy) => {
      const settings = await this.deps.settings();
      let upload = await this.owned(ctx, id, settings);
      if (offset !== upload.offset)
        throw new ApiError(
          409,
          `Upload-Offset ${offset} does not match the upload's offset ${upload.offset}.`,
        );
      const remaining = upload.length - upload.offset;
      if (contentLength !== undefined && contentLength > remaining)
        throw new ApiError(413, "The request body goes past the upload's Upload-Length.");
      const storage = await this.deps.files.resolve();
      const received = await receivePieces(storage, upload, body, {
        remaining,
        segmentBytes: this.deps.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
        onBytes: () => {
          busy.lastBytes = Date.now();
        },
        commit: async (segment) => {
          if (!(await appendTusSegment(this.deps.store.db, upload, segment))) return false;
          upload = {
            ...upload,
            offset: upload.offset + segment.size,
            segments: [...upload.segments, segment],
            updated: nowDate(),
          };
          return true;
        },
      });
      if (received.conflict) throw new ApiError(409, "The upload moved on while this request was writing.");
      if (!received.interrupted && upload.offset === upload.length && upload.recordId !== "")
        await this.attach(ctx, upload, storage);
      return {
        upload,
        interrupted: received.interrupted !== undefined,
        expires: this.expiresAt(upload, settings),
      };
    });
  }

  /** DELETE: the owner gives the upload up; its bytes are removed. */
  async terminate(ctx: RequestContext, id: string): Promise<void> {
    await this.exclusive(id, undefined, async () => {
      const upload = await this.owned(ctx, id, await this.deps.settings(), { expiredToo: true });
      await this.remove(upload);
    });
  }

  /**
   * Runs a record create or update whose body may name finished uploads in its file fields
   * (`"avatar": "tus:<id>"`, `"documents+": ["tus:<id>"]`): each becomes the upload's file, as if
   * sent in a multipart body, and the uploads are gone once the write succeeded.
   */
  async withReferences<T>(
    idOrName: string,
    body: Record<string, unknown>,
    ctx: RequestContext,
    recordId: string | undefined,
    write: (body: Record<string, unknown>) => Promise<T>,
  ): Promise<T> {
    if (!Object.values(body).some(holdsReference)) return write(body);
    const collection = this.deps.records.collection(idOrName);
    const fields = new Map(fileFields(collection).map((f) => [f.name, f]));
    const settings = await this.deps.settings();
    const storage = await this.deps.files.resolve();
    const files: UploadedFile[] = [];
    const used: TusUpload[] = [];
    try {
      const next = { ...body };
      for (const [key, value] of Object.entries(body)) {
        const field = fields.get(fileFieldName(key));
        if (!field || !holdsReference(value)) continue;
        const items: unknown[] = [];
        for (const item of Array.isArray(value) ? value : [value]) {
          if (!isReference(item)) {
            items.push(item);
            continue;
          }
          const upload = await this.referenced(
            ctx,
            item.slice(REFERENCE.length),
            collection,
            field,
            recordId,
            settings,
          );
          const file = await assemblePieces(storage, upload, key);
          files.push(file);
          used.push(upload);
          items.push(file);
        }
        next[key] = Array.isArray(value) ? items : items[0];
      }
      const result = await write(next);
      for (const upload of used) await this.remove(upload).catch(() => {});
      return result;
    } finally {
      await Promise.all(files.map((f) => f.discardPending().catch(() => {})));
    }
  }

  /**
   * Removes uploads untouched for the expiry time, and pieces whose upload row is gone (a crash
   * between storing a piece and recording it). Returns how many uploads it removed.
   */
  async expire(): Promise<number> {
    const settings = await this.deps.settings();
    const cutoff = new Date(Date.now() - settings.tus.expiryHours * HOUR_MS);
    let removed = 0;
    for (;;) {
      const stale = (await staleTusUploads(this.deps.store.db, nowDate(cutoff), 100)).filter(
        (u) => !this.busy.has(u.id),
      );
      for (const upload of stale) {
        await this.remove(upload);
        removed++;
      }
      if (stale.length < 100) break;
    }
    const storage = await this.deps.files.resolve();
    const oldFolders = new Set<string>();
    for await (const object of storage.list(TUS_PREFIX)) {
      const id = object.key.slice(TUS_PREFIX.length).split("/")[0] ?? "";
      if (id !== "" && object.modified < cutoff) oldFolders.add(id);
    }
    const ids = [...oldFolders];
    for (let i = 0; i < ids.length; i += 200) {
      const batch = ids.slice(i, i + 200);
      const live = await existingTusIds(this.deps.store.db, batch);
      for (const id of batch) if (!live.has(id)) await storage.deletePrefix(uploadFolder(id));
    }
    return removed;
  }

  /** Completes an upload made for a record: the file goes through the record update. */
  private async attach(ctx: RequestContext, upload: TusUpload, storage: FileStorage): Promise<void> {
    const collection = this.deps.records.collection(upload.collectionId);
    const field = fileFields(collection).find((f) => f.name === upload.field);
    if (!field) {
      await this.remove(upload);
      throw badRequest("The upload's file field no longer exists.");
    }
    const key = isMultiValued(field) ? `${field.name}+` : field.name;
    const file = await assemblePieces(storage, upload, key);
    try {
      await this.deps.records.update(collection.id, upload.recordId, { [key]: file }, ctx);
    } catch (err) {
      // Refused for good (validation, rules): the upload can never attach. A 5xx may pass: a
      // zero-length PATCH at the end tries again.
      if (err instanceof ApiError && err.status < 500) await this.remove(upload);
      throw err;
    } finally {
      await file.discardPending().catch(() => {});
    }
    await this.remove(upload);
  }

  private async assertMayUpdate(
    collection: Collection,
    recordId: string,
    ctx: RequestContext,
  ): Promise<void> {
    const access = accessFor(collection, "update", ctx);
    const query = this.deps.records.query;
    const current = await query.findOne(collection, recordId);
    if (!current) throw notFound();
    if (access.kind === "filter") {
      const scope = query.scope(collection, requestInfo(ctx), current);
      if (!(await query.findOne(collection, recordId, query.where([access.rule], scope)))) throw notFound();
    }
  }

  /** The upload when it is the requester's and not expired; 404 otherwise (410 once expired). */
  private async owned(
    ctx: RequestContext,
    id: string,
    settings: Settings,
    opts: { expiredToo?: boolean } = {},
  ): Promise<TusUpload> {
    const owner = ownerOf(ctx);
    const upload = id.length <= MAX_ID_LENGTH ? await findTusUpload(this.deps.store.db, id) : undefined;
    if (!upload || upload.owner !== owner) throw notFound();
    if (!opts.expiredToo && this.expiresAt(upload, settings).getTime() <= Date.now())
      throw new ApiError(410, "The upload has expired.");
    return upload;
  }

  private async referenced(
    ctx: RequestContext,
    id: string,
    collection: Collection,
    field: FileField,
    recordId: string | undefined,
    settings: Settings,
  ): Promise<TusUpload> {
    const upload = await this.owned(ctx, id, settings).catch(() => undefined);
    const fits =
      upload &&
      upload.offset === upload.length &&
      upload.collectionId === collection.id &&
      upload.field === field.name &&
      (upload.recordId === "" || upload.recordId === recordId);
    if (!upload || !fits) {
      throw validationError("Failed to attach the upload.", {
        [field.name]: issue(
          "validation_invalid_file",
          `Unknown or unfinished upload "tus:${id.slice(0, 100)}".`,
        ),
      });
    }
    return upload;
  }

  private async remove(upload: TusUpload): Promise<void> {
    await deleteTusUpload(this.deps.store.db, upload.id);
    const storage = await this.deps.files.resolve();
    await storage.deletePrefix(uploadFolder(upload.id));
  }

  private expiresAt(upload: TusUpload, settings: Settings): Date {
    return new Date(Date.parse(upload.updated) + settings.tus.expiryHours * HOUR_MS);
  }

  private withExpiry(upload: TusUpload, settings: Settings): TusState {
    return { ...upload, expires: this.expiresAt(upload, settings) };
  }

  /**
   * One request at a time per upload on this node; the next waits for the one running (a resume's
   * HEAD must see the tail a cut PATCH is still storing). A PATCH whose body has stopped bringing
   * bytes while another request waits is interrupted (tus clients send one request at a time, so
   * its client has given up on it): it stores what it received and ends, so a resume after a
   * connection that died silently (no reset reached the server) doesn't wait for a timeout. Across
   * nodes the offset check in the update holds.
   */
  private async exclusive<T>(
    id: string,
    interrupt: (() => void) | undefined,
    run: (busy: Busy) => Promise<T>,
  ): Promise<T> {
    const deadline = Date.now() + BUSY_WAIT_MS;
    for (let running = this.busy.get(id); running; running = this.busy.get(id)) {
      if (Date.now() - running.lastBytes >= STALLED_MS) running.interrupt?.();
      const left = deadline - Date.now();
      if (left <= 0) throw new ApiError(423, "The upload is busy with another request.");
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        running.done.catch(() => {}),
        new Promise((resolve) => {
          timer = setTimeout(resolve, Math.min(left, STALLED_MS / 4));
        }),
      ]);
      clearTimeout(timer);
    }
    const busy: Busy = {
      done: Promise.resolve(),
      lastBytes: Date.now(),
      ...(interrupt ? { interrupt } : {}),
    };
    const done = run(busy);
    busy.done = done;
    this.busy.set(id, busy);
    try {
      return await done;
    } finally {
      this.busy.delete(id);
    }
  }
}

/** Who owns an upload: a signed-in record, or an API key. Guests can't upload resumably. */
function ownerOf(ctx: RequestContext): string {
  if (ctx.auth) return `${ctx.auth.collection.id}/${ctx.auth.record.id}`;
  if (ctx.apiKey) return `apikey/${ctx.apiKey.id}`;
  throw unauthorized();
}

function isReference(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(REFERENCE);
}

function holdsReference(value: unknown): boolean {
  return isReference(value) || (Array.isArray(value) && value.some(isReference));
}
