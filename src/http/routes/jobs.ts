import type { FastifyInstance } from "fastify";
import { writeAudit } from "../../audit/audit-entry.js";
import { type ApiError, badRequest, issue, notFound } from "../../errors/api-error.js";
import { type AdminRefusal, cancelJob, retryJob } from "../../jobs/job-admin.js";
import { toJob } from "../../jobs/job-json.js";
import { countJobRows, getJobRow, type JobFilter, listJobRows } from "../../jobs/job-store.js";
import { JOB_STATUSES, type Job, type JobStatus } from "../../jobs/job-types.js";
import { parseListParams } from "../../records/list-params.js";
import { actorOf } from "../../records/record-consequences.js";
import type { Db } from "../../store/store.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

const MAX_ID_LENGTH = 255;

function parseFilter(query: Record<string, string>): JobFilter {
  const filter: JobFilter = {};
  if (query.status) {
    if (!(JOB_STATUSES as readonly string[]).includes(query.status))
      throw badRequest("Invalid status filter.", {
        status: issue("validation_invalid_value", `Must be one of: ${JOB_STATUSES.join(", ")}.`),
      });
    filter.status = query.status as JobStatus;
  }
  if (query.name) {
    if (query.name.length > MAX_ID_LENGTH)
      throw badRequest("Invalid name filter.", {
        name: issue("validation_max_text_constraint", "Too long."),
      });
    filter.name = query.name;
  }
  return filter;
}

function refusal(reason: AdminRefusal, action: string): ApiError {
  if (reason === "not_found") return notFound();
  if (reason === "key_taken")
    return badRequest(`Failed to ${action} the job: a newer job holds its idempotency key.`);
  return badRequest(`Failed to ${action} the job: it is not in a state that allows it.`);
}

/** /api/jobs (beyond PocketBase): superusers inspect the job queue, retry dead jobs, cancel waiting ones. */
export function jobRoutes(app: FastifyInstance, services: Services): void {
  const { store, jobs } = services;

  app.get("/api/jobs", async (req) => {
    const ctx = await requireSuperuser(req, services);
    const params = parseListParams(ctx.query);
    const filter = parseFilter(ctx.query);
    const rows = await listJobRows(store.db, filter, {
      limit: params.perPage,
      offset: (params.page - 1) * params.perPage,
    });
    const total = params.skipTotal ? -1 : await countJobRows(store.db, filter);
    return {
      page: params.page,
      perPage: params.perPage,
      totalItems: total,
      totalPages: total < 0 ? -1 : Math.ceil(total / params.perPage),
      items: rows.map(toJob),
    };
  });

  app.get<{ Params: { id: string } }>("/api/jobs/:id", async (req) => {
    await requireSuperuser(req, services);
    const row = req.params.id.length <= MAX_ID_LENGTH ? await getJobRow(store.db, req.params.id) : undefined;
    if (!row) throw notFound();
    return toJob(row);
  });

  const action = (name: "retry" | "cancel", apply: (db: Db, id: string) => Promise<Job | AdminRefusal>) =>
    app.post<{ Params: { id: string } }>(`/api/jobs/:id/${name}`, async (req) => {
      const ctx = await requireSuperuser(req, services);
      const id = req.params.id;
      if (id.length > MAX_ID_LENGTH) throw notFound();
      const job = await store.transaction(async (tx) => {
        const result = await apply(tx, id);
        if (typeof result === "string") throw refusal(result, name);
        await writeAudit(tx, {
          action: `job.${name}`,
          collectionName: "_jobs",
          recordId: id,
          actor: actorOf(ctx),
          changes: ["status"],
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
        return result;
      });
      if (name === "retry") jobs.wake();
      return job;
    });
  action("retry", retryJob);
  action("cancel", cancelJob);
}
