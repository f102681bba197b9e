import type { FastifyInstance } from "fastify";
import { notFound } from "../../errors/api-error.js";
import { LogQuery } from "../../logs/log-query.js";
import { parseListParams } from "../../records/list-params.js";
import { requestInfo } from "../../records/request-context.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

/**
 * The request log, for superusers (API keys are refused): `GET /api/logs` (page, perPage, sort,
 * filter in the rules language over id, created, level, message and data.*), `GET /api/logs/stats`
 * (entries per hour) and `GET /api/logs/{id}`.
 */
export function logRoutes(app: FastifyInstance, services: Services): void {
  const logs = new LogQuery(services.store);

  app.get("/api/logs", async (req) => {
    const ctx = await requireSuperuser(req, services);
    return logs.list(parseListParams(ctx.query), requestInfo(ctx));
  });

  app.get("/api/logs/stats", async (req) => {
    const ctx = await requireSuperuser(req, services);
    return logs.stats(parseListParams(ctx.query).filter, requestInfo(ctx));
  });

  app.get<{ Params: { id: string } }>("/api/logs/:id", async (req) => {
    await requireSuperuser(req, services);
    const log = await logs.one(req.params.id);
    if (!log) throw notFound();
    return log;
  });
}
