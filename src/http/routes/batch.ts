import type { FastifyInstance } from "fastify";
import type { RecordActions } from "../../api/record-actions.js";
import { isFileField } from "../../collections/fields/index.js";
import type { Collection } from "../../collections/model.js";
import { type ApiError, badRequest, issue } from "../../errors/api-error.js";
import { DependencyError } from "../../errors/dependency-errors.js";
import { batchFilePart, fileFieldName } from "../../files/file-parts.js";
import { discardUploads } from "../../files/place-uploads.js";
import { UploadedFile } from "../../files/uploaded-file.js";
import { HookReply } from "../../hooks/request-event.js";
import type { RequestContext } from "../../records/request-context.js";
import type { Db } from "../../store/store.js";
import { toApiError } from "../plugins/error-handler.js";
import { objectBody } from "../plugins/json-body.js";
import { readBody } from "../plugins/multipart-body.js";
import { batchTarget } from "../rate-limit/limit-targets.js";
import { enforceRequestLimits } from "../rate-limit/rate-limit-hook.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";

export const MAX_BATCH_REQUESTS = 50;
/** Files one batch may carry, over all its sub-requests. */
export const MAX_BATCH_FILES = 100;

interface SubRequest {
  method: string;
  url: string;
  body: Record<string, unknown>;
  /** Uploads sent as `requests.N.<key>` parts, by body key (`avatar`, `documents+`). */
  files: Map<string, UploadedFile[]>;
}

const RECORD_URL = /^\/api\/collections\/([^/?#]+)\/records(?:\/([^/?#]+))?(?:\?(.*))?$/;

function parseRequests(body: Record<string, unknown>): SubRequest[] {
  if (!Array.isArray(body.requests) || body.requests.length === 0) {
    throw badRequest("Failed to process the batch.", {
      requests: { code: "validation_required", message: "Missing required value." },
    });
  }
  if (body.requests.length > MAX_BATCH_REQUESTS) {
    throw badRequest("Failed to process the batch.", {
      requests: {
        code: "validation_length_too_long",
        message: `At most ${MAX_BATCH_REQUESTS} requests are allowed.`,
      },
    });
  }
  return body.requests.map((r, i) => {
    if (!r || typeof r !== "object" || typeof r.method !== "string" || typeof r.url !== "string") {
      throw badRequest("Failed to process the batch.", {
        requests: {
          [String(i)]: {
            code: "validation_invalid_request",
            message: "Each request needs a method and a url.",
          },
        },
      });
    }
    return { method: r.method.toUpperCase(), url: r.url, body: objectBody(r.body), files: new Map() };
  });
}

/** A sub-response: a hook's own reply (`e.json()`) as it chose it, else the record with 200. */
function response(result: unknown): { status: number; body: unknown } {
  return result instanceof HookReply
    ? { status: result.status, body: result.body ?? null }
    : { status: 200, body: result };
}

/** The batch's error for a failed sub-request, PocketBase's shape with the sub-request's own error inside. */
function requestError(index: number, failure: ApiError): ApiError {
  return badRequest("Batch transaction failed.", {
    requests: {
      [String(index)]: {
        code: "batch_request_failed",
        message: "Batch request failed.",
        response: failure.toJSON(),
      },
    },
  });
}

/** Hands each `requests.N.<key>` upload to sub-request N; all of them are returned (for cleanup). */
function attachUploads(body: Record<string, unknown>, requests: SubRequest[]): UploadedFile[] {
  const all: UploadedFile[] = [];
  for (const [name, value] of Object.entries(body)) {
    const part = batchFilePart(name);
    const uploads = (Array.isArray(value) ? value : [value]).filter((v) => v instanceof UploadedFile);
    if (!part || uploads.length === 0) continue;
    all.push(...uploads);
    const sub = requests[part.index];
    if (!sub) {
      throw badRequest("Failed to process the batch.", {
        requests: {
          [String(part.index)]: issue(
            "validation_missing_request",
            `No request ${part.index} for "${name}".`,
          ),
        },
      });
    }
    sub.files.set(part.key, uploads);
  }
  return all;
}

/** A sub-request's body with its uploads added under their keys, after any names its JSON lists. */
function withFiles(collection: Collection, sub: SubRequest): Record<string, unknown> {
  const body = { ...sub.body };
  for (const [key, uploads] of sub.files) {
    const name = fileFieldName(key);
    if (!collection.fields.some((f) => isFileField(f) && f.name === name))
      throw badRequest(`"${key.slice(0, 100)}" is not a file field of this collection.`);
    const listed = body[key];
    body[key] = listed === undefined || listed === null ? uploads : [...[listed].flat(), ...uploads];
  }
  return body;
}

/** Runs one sub-request against the records service inside the batch's transaction. */
async function runOne(
  records: RecordActions,
  sub: SubRequest,
  base: RequestContext,
  tx: Db,
): Promise<{ status: number; body: unknown }> {
  const m = RECORD_URL.exec(sub.url);
  if (!m) throw badRequest(`Unsupported batch url "${sub.url.slice(0, 100)}".`);
  const collection = decodeURIComponent(m[1] as string);
  const id = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  const query = Object.fromEntries(new URLSearchParams(m[3] ?? ""));
  const ctx: RequestContext = { ...base, method: sub.method, query };
  if (sub.files.size > 0 && (sub.method === "DELETE" || sub.method === "GET"))
    throw badRequest(`A ${sub.method} request carries no files.`);
  const body = sub.files.size > 0 ? withFiles(records.collection(collection), sub) : sub.body;
  if (sub.method === "POST" && id === undefined)
    return response(await records.create(collection, body, ctx, { db: tx }));
  if (sub.method === "PATCH" && id !== undefined)
    return response(await records.update(collection, id, body, ctx, { db: tx }));
  if (sub.method === "DELETE" && id !== undefined) {
    return response((await records.delete(collection, id, ctx, tx)) ?? new HookReply(204, null));
  }
  if (sub.method === "PUT" && id === undefined) {
    // Upsert: update when the body's id exists, else create.
    const upsertId = typeof body.id === "string" ? body.id : undefined;
    const existing = upsertId
      ? await records.query.findOne(records.collection(collection), upsertId, undefined, tx)
      : undefined;
    const result = existing
      ? await records.update(collection, upsertId as string, body, ctx, { db: tx })
      : await records.create(collection, body, ctx, { db: tx });
    return response(result);
  }
  throw badRequest(`Unsupported batch request ${sub.method} ${sub.url.slice(0, 100)}.`);
}

/**
 * POST /api/batch: all sub-requests in one transaction; the first failure rolls back everything.
 * A multipart batch (the SDK's, when a body holds files) carries the requests as `@jsonPayload`
 * and each file as a `requests.N.<field>` part, streamed to storage like a records upload.
 */
export function batchRoutes(app: FastifyInstance, services: Services): void {
  const fileLimits = { maxRequests: MAX_BATCH_REQUESTS, maxFiles: MAX_BATCH_FILES, requestError };
  app.post("/api/batch", async (req, reply) => {
    const fileParts = req.server.uploadReceiver?.forBatch(fileLimits) ?? null;
    const { body } = await readBody(req, services.config.jsonMaxDepth, fileParts);
    const requests = parseRequests(body);
    const uploads = attachUploads(body, requests);
    const ctx = await contextOf(req, services);
    // Each sub-request counts against the limits of the route it stands for, before any runs.
    const targets = requests.map((sub) => batchTarget(services.registry, sub.method, sub.url));
    await enforceRequestLimits(services, reply, ctx, targets, { pathCheck: false });
    try {
      return await services.records.transaction(async (tx) => {
        const results: { status: number; body: unknown }[] = [];
        for (const [i, sub] of requests.entries()) {
          try {
            results.push(await runOne(services.records, sub, ctx, tx));
          } catch (err) {
            const failure = toApiError(err);
            // A lost database or a full disk fails the batch as a whole (503/507), not request i.
            if (failure instanceof DependencyError) throw err;
            throw requestError(i, failure);
          }
        }
        return results;
      });
    } catch (err) {
      // Files the sub-requests before the failure placed under their records go with the rollback
      // (the ones never placed are removed when the response ends).
      await discardUploads(uploads);
      throw err;
    }
  });
}
