import type { FastifyInstance } from "fastify";
import { notFound } from "../../errors/api-error.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

/**
 * /api/crons (PocketBase's crons API, superusers): every scheduled job, the app's `cronAdd` jobs
 * first, then Backroom's own (`__…__` ids); `POST /api/crons/{id}` starts one now and answers 204
 * at once, as PocketBase does.
 */
export function cronRoutes(app: FastifyInstance, services: Services): void {
  app.get("/api/crons", async (req) => {
    await requireSuperuser(req, services);
    return services.crons.list();
  });

  app.post<{ Params: { id: string } }>("/api/crons/:id", async (req, reply) => {
    await requireSuperuser(req, services);
    if (!(await services.crons.run(req.params.id))) throw notFound("Missing or invalid cron job");
    return reply.code(204).send();
  });
}
