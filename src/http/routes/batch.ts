import type { FastifyInstance } from "fastify";
import { ApiError, badRequest } from "../../errors/api-error.js";
import type { RecordService } from "../../records/record-service.js";
import type { RequestContext } from "../../records/request-context.js";
import type { Db } from "../../store/store.js";
import { toApiError } from "../plugins/error-handler.js";
import { readBody } from "../plugins/multipart-body.js";
import { batchTarget } from "../rate-limit/limit-targets.js";
import { enforceRequestLimits } from "../rate-limit/rate-limit-hook.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";
import { objectBody } from "./records.js";

export const MAX_BATCH_REQUESTS = 50;

interface SubRequest {
  method: string;
  url: string;
  body: Record<string, unknown>;
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
    return { method: r.method.toUpperCase(), url: r.url, body: objectBody(r.body) };
  });
}

/** Runs one sub-request against the records service inside the batch's transaction. */
async function runOne(
  records: RecordService,
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
  if (sub.method === "POST" && id === undefined)
    return { status: 200, body: await records.create(collection, sub.body, ctx, { db: tx }) };
  if (sub.method === "PATCH" && id !== undefined)
    return { status: 200, body: await records.update(collection, id, sub.body, ctx, { db: tx }) };
  if (sub.method === "DELETE" && id !== undefined) {
    await records.delete(collection, id, ctx, tx);
    return { status: 204, body: null };
  }
  if (sub.method === "PUT" && id === undefined) {
    // Upsert: update when the body's id exists, else create.
    const upsertId = typeof sub.body.id === "string" ? sub.body.id : undefined;
    const existing = upsertId
      ? await records.query.findOne(records.collection(collection), upsertId, undefined, tx)
      : undefined;
    const body = existing
      ? await records.update(collection, upsertId as string, sub.body, ctx, { db: tx })
      : await records.create(collection, sub.body, ctx, { db: tx });
    return { status: 200, body };
  }
  throw badRequest(`Unsupported batch request ${sub.method} ${sub.url.slice(0, 100)}.`);
}

/** POST /api/batch: all sub-requests in one transaction; the first failure rolls back everything. */
export function batchRoutes(app: FastifyInstance, services: Services): void {
  app.post("/api/batch", async (req, reply) => {
    const requests = parseRequests((await readBody(req, services.config.jsonMaxDepth)).body);
    const ctx = await contextOf(req, services);
    // Each sub-request counts against the limits of the route it stands for, before any runs.
    const targets = requests.map((sub) => batchTarget(services.registry, sub.method, sub.url));
    await enforceRequestLimits(services, reply, ctx, targets, { pathCheck: false });
    return services.records.transaction(async (tx) => {
      const results: { status: number; body: unknown }[] = [];
      for (const [i, sub] of requests.entries()) {
        try {
          results.push(await runOne(services.records, sub, ctx, tx));
        } catch (err) {
          const failure = toApiError(err);
          throw new ApiError(400, "Batch transaction failed.", {
            requests: {
              [String(i)]: {
                code: "batch_request_failed",
                message: "Batch request failed.",
                response: failure.toJSON(),
              },
            },
          });
        }
      }
      return results;
    });
  });
}
