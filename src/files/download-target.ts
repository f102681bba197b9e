import type { Collection, FileField } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { ApiError, notFound } from "../errors/api-error.js";
import { accessFor } from "../records/access.js";
import type { RecordQuery } from "../records/record-query.js";
import { type RequestContext, requestInfo } from "../records/request-context.js";
import { fileTokenOwner } from "./file-token.js";
import { fieldHolding } from "./record-files.js";
import { fileKey } from "./storage.js";

export interface DownloadTarget {
  collection: Collection;
  recordId: string;
  field: FileField;
  filename: string;
  key: string;
}

/**
 * The stored file a download URL names, or 404: the record must exist and one of its file fields
 * must hold the name (so only files a record references are ever served). Files of unprotected
 * fields are public by URL, as in PocketBase; a protected field needs `?token=` whose owner passes
 * the collection's viewRule (anything short of that is a 404, telling nothing).
 */
export async function findDownload(
  deps: { registry: CollectionRegistry; query: RecordQuery },
  params: { collection: string; recordId: string; filename: string },
  token: string,
  ctx: RequestContext,
): Promise<DownloadTarget> {
  const collection = deps.registry.get(params.collection);
  if (!collection || collection.type === "view") throw notFound();
  const record = await deps.query.findOne(collection, params.recordId);
  if (!record) throw notFound();
  const field = fieldHolding(collection, record, params.filename);
  if (!field) throw notFound();
  if (field.protected) await checkProtected(deps, collection, record.id, token, ctx);
  return {
    collection,
    recordId: record.id,
    field,
    filename: params.filename,
    key: fileKey(collection.id, record.id, params.filename),
  };
}

async function checkProtected(
  deps: { registry: CollectionRegistry; query: RecordQuery },
  collection: Collection,
  recordId: string,
  token: string,
  request: RequestContext,
): Promise<void> {
  const owner = await fileTokenOwner(token, deps.registry, deps.query);
  const { apiKey: _apiKey, ...rest } = request;
  const ctx: RequestContext = {
    ...rest,
    auth: owner,
    superuser: owner?.isSuperuser ?? false,
    context: "protectedFile",
  };
  let access: ReturnType<typeof accessFor>;
  try {
    access = accessFor(collection, "view", ctx);
  } catch (err) {
    if (err instanceof ApiError) throw notFound();
    throw err;
  }
  if (access.kind === "all") return;
  const where = deps.query.where([access.rule], deps.query.scope(collection, requestInfo(ctx)));
  if (!(await deps.query.findOne(collection, recordId, where))) throw notFound();
}
