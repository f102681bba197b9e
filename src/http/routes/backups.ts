import type { FastifyInstance } from "fastify";
import { writeAudit } from "../../audit/audit-entry.js";
import { BUSY_MESSAGE } from "../../backups/backup-service.js";
import { BACKUP_NAME, isSafeBackupKey, MAX_NAME_LENGTH } from "../../backups/names.js";
import { ApiError, badRequest, forbidden, issue, notFound } from "../../errors/api-error.js";
import { fileTokenOwner } from "../../files/file-token.js";
import { actorOf } from "../../records/record-consequences.js";
import type { RequestContext } from "../../records/request-context.js";
import { isMultipart, requestBody, stopReading } from "../plugins/multipart-body.js";
import { multipartParts } from "../plugins/multipart-parts.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

/** Largest backup upload, bytes (`BACKROOM_BACKUP_UPLOAD_LIMIT`; the request body limit doesn't apply). */
function uploadLimit(): number {
  const value = Number(process.env.BACKROOM_BACKUP_UPLOAD_LIMIT ?? 64 * 1024 ** 3);
  return Number.isFinite(value) && value > 0 ? value : 64 * 1024 ** 3;
}

/** A failure that isn't already an API error, as a 400 that names it (PocketBase does the same). */
function failed(message: string, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return badRequest(`${message} Raw error: \n${(err as Error).message ?? String(err)}`);
}

/**
 * /api/backups (PocketBase's backups API, superusers): list, create, upload, download with a
 * superuser file token, delete, restore. A restore answers once it has committed (PocketBase
 * answers first and restarts); see src/backups/README.md.
 */
export function backupRoutes(app: FastifyInstance, services: Services): void {
  const { backups } = services;
  const audit = (ctx: RequestContext, action: string, key: string) =>
    writeAudit(services.store.db, {
      action,
      actor: actorOf(ctx),
      changes: [key],
      requestId: ctx.requestId,
      ip: ctx.ip,
    });

  app.get("/api/backups", async (req) => {
    await requireSuperuser(req, services);
    try {
      return await backups.list();
    } catch (err) {
      throw failed("Failed to retrieve backup items.", err);
    }
  });

  app.post("/api/backups", async (req, reply) => {
    const ctx = await requireSuperuser(req, services);
    if (backups.active !== null) throw badRequest(BUSY_MESSAGE);
    const { name = "" } = await requestBody(req);
    if (typeof name !== "string") throw badRequest("An error occurred while loading the submitted data.");
    if (name.length > MAX_NAME_LENGTH)
      throw badRequest("An error occurred while validating the submitted data.", {
        name: issue("validation_length_out_of_range", `The length must be between 1 and ${MAX_NAME_LENGTH}.`),
      });
    if (name !== "" && !BACKUP_NAME.test(name))
      throw badRequest("An error occurred while validating the submitted data.", {
        name: issue("validation_match_invalid", "Must be in a valid format."),
      });
    const key = name || (await backups.defaultName());
    try {
      await backups.create(key);
    } catch (err) {
      req.log.error({ err }, "creating a backup failed");
      throw failed("Failed to create backup.", err);
    }
    await audit(ctx, "backup.create", key);
    return reply.code(204).send();
  });

  app.post("/api/backups/upload", async (req, reply) => {
    const ctx = await requireSuperuser(req, services);
    const required = () =>
      badRequest("An error occurred while validating the submitted data.", {
        file: issue("validation_required", "Cannot be blank."),
      });
    if (!isMultipart(req)) throw required();
    const limit = uploadLimit();
    const tooLarge = () =>
      badRequest("An error occurred while validating the submitted data.", {
        file: issue("validation_file_size_limit", `The backup is larger than ${limit} bytes.`, {
          maxSize: limit,
        }),
      });
    // The body's one part is the zip, so any "too large" while reading it is the file's size.
    const asUploadError = (err: unknown) =>
      err instanceof ApiError
        ? err.status === 413
          ? tooLarge()
          : err
        : badRequest(`Failed to read the upload: ${(err as Error).message}`);
    // One part, the zip: the whole body may be the file plus its part headers, no more.
    const parts = multipartParts(req.raw, {
      maxBytes: limit + 64 * 1024,
      fileSize: limit,
      fields: 0,
      fieldNameSize: 100,
      fieldSize: 0,
      parts: 1,
    });
    const next = await parts.next().catch((err: unknown) => {
      stopReading(req);
      throw asUploadError(err);
    });
    const part = next.done ? undefined : next.value;
    if (part?.type !== "file" || part.fieldname !== "file") {
      stopReading(req);
      throw required();
    }
    const key = part.filename;
    if (!isSafeBackupKey(key)) {
      stopReading(req);
      throw badRequest("An error occurred while validating the submitted data.", {
        file: issue("validation_invalid_name", "The file name may hold only letters, digits, @ . _ and -."),
      });
    }
    let uploadError: unknown;
    await backups.upload(key, part.file).catch((err: unknown) => {
      uploadError = err;
    });
    // Cut off at the limit: whatever was stored is not the whole backup.
    if ((part.file as { truncated?: boolean }).truncated) {
      stopReading(req);
      if (uploadError === undefined) await backups.delete(key).catch(() => {});
      throw tooLarge();
    }
    if (uploadError !== undefined) {
      stopReading(req);
      if (uploadError instanceof ApiError && Object.keys(uploadError.data).length === 0)
        throw badRequest(uploadError.message, {
          file: issue("validation_invalid_backup", uploadError.message),
        });
      throw failed("Failed to upload backup.", uploadError);
    }
    // The body must still end with its closing boundary (and hold no second part).
    const rest = await parts.next().catch(async (err: unknown) => {
      stopReading(req);
      await backups.delete(key).catch(() => {});
      throw asUploadError(err);
    });
    if (!rest.done) {
      await backups.delete(key).catch(() => {});
      throw badRequest('Send one file, named "file".');
    }
    await audit(ctx, "backup.upload", key);
    return reply.code(204).send();
  });

  app.get<{ Params: { key: string }; Querystring: { token?: string } }>(
    "/api/backups/:key",
    async (req, reply) => {
      const owner = await fileTokenOwner(
        String(req.query.token ?? ""),
        services.registry,
        services.records.query,
      );
      if (!owner?.isSuperuser) throw forbidden("Insufficient permissions to access the resource.");
      const key = req.params.key;
      const found = isSafeBackupKey(key) ? await backups.backups.stat(key) : null;
      if (!found) throw notFound();
      const body = await backups.backups.read(key);
      return reply
        .header("content-type", "application/zip")
        .header("content-length", String(found.size))
        .header("content-disposition", `attachment; filename="${key}"`)
        .header("cache-control", "no-store")
        .send(body);
    },
  );

  app.delete<{ Params: { key: string } }>("/api/backups/:key", async (req, reply) => {
    const ctx = await requireSuperuser(req, services);
    const key = req.params.key;
    if (!isSafeBackupKey(key)) throw badRequest("Invalid or already deleted backup file.");
    await backups.delete(key);
    await audit(ctx, "backup.delete", key);
    return reply.code(204).send();
  });

  app.post<{ Params: { key: string } }>("/api/backups/:key/restore", async (req, reply) => {
    const ctx = await requireSuperuser(req, services);
    if (backups.active !== null) throw badRequest(BUSY_MESSAGE);
    const key = req.params.key;
    if (!isSafeBackupKey(key)) throw badRequest("Missing or invalid backup file.");
    try {
      await backups.restore(key, actorOf(ctx));
    } catch (err) {
      req.log.error({ err }, "restoring a backup failed");
      throw failed("Failed to restore the backup.", err);
    }
    return reply.code(204).send();
  });
}
