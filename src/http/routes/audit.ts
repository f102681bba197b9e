import type { FastifyInstance } from "fastify";
import { listAudit } from "../../audit/audit-query.js";
import { parseListParams } from "../../records/list-params.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

/** GET /api/audit: the audit log, newest first, for superusers. */
export function auditRoutes(app: FastifyInstance, services: Services): void {
  app.get("/api/audit", async (req) => {
    const ctx = await requireSuperuser(req, services);
    return listAudit(services.store.db, parseListParams(ctx.query));
  });
}
