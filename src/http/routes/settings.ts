import type { FastifyInstance } from "fastify";
import { actorOf } from "../../records/record-consequences.js";
import { maskSecrets } from "../../settings/settings-service.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";
import { objectBody } from "./records.js";

/** /api/settings for superusers; secrets are masked on every read. */
export function settingsRoutes(app: FastifyInstance, services: Services): void {
  app.get("/api/settings", async (req) => {
    await requireSuperuser(req, services);
    return maskSecrets(await services.settings.get());
  });

  app.patch("/api/settings", async (req) => {
    const ctx = await requireSuperuser(req, services);
    return maskSecrets(await services.settings.update(objectBody(req.body), actorOf(ctx)));
  });
}
