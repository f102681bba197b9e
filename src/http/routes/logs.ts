import type { FastifyInstance } from "fastify";
import { badRequest, issue, notFound } from "../../errors/api-error.js";
import {
  DASHBOARD_PERIODS,
  type DashboardPeriod,
  logDashboard,
  queueHealth,
} from "../../logs/log-dashboard.js";
import { LogQuery } from "../../logs/log-query.js";
import { parseListParams } from "../../records/list-params.js";
import { requestInfo } from "../../records/request-context.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

/**
 * The request log, for superusers (API keys are refused): `GET /api/logs` (page, perPage, sort,
 * filter in the rules language over id, created, level, message and data.*), `GET /api/logs/stats`
 * (entries per hour, PocketBase's), `GET /api/logs/dashboard?period=hour|day|week` (the admin
 * Dashboard's series, see logs/log-dashboard.ts) and `GET /api/logs/{id}`.
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

  app.get("/api/logs/dashboard", async (req) => {
    const ctx = await requireSuperuser(req, services);
    const period = String(ctx.query.period ?? "hour");
    if (!Object.hasOwn(DASHBOARD_PERIODS, period))
      throw badRequest("period must be hour, day or week.", {
        period: issue("validation_invalid_value", "Expected hour, day or week."),
      });
    const p = period as DashboardPeriod;
    const where = logs.where(parseListParams(ctx.query).filter, requestInfo(ctx));
    const [requests, queues] = await Promise.all([
      logDashboard(services.store, p, where),
      queueHealth(services.store, p),
    ]);
    return { ...requests, ...queues, realtime: { connections: services.realtime.size } };
  });

  app.get<{ Params: { id: string } }>("/api/logs/:id", async (req) => {
    await requireSuperuser(req, services);
    const log = await logs.one(req.params.id);
    if (!log) throw notFound();
    return log;
  });
}
