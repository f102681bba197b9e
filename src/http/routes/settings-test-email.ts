import type { FastifyInstance } from "fastify";
import { sendTestEmail } from "../../auth/email-flows/test-email.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";
import { objectBody } from "./records.js";

/** POST /api/settings/test/email {email, template, collection} (superusers): sends a sample. */
export function settingsTestEmailRoutes(app: FastifyInstance, services: Services): void {
  app.post("/api/settings/test/email", async (req, reply) => {
    await requireSuperuser(req, services);
    await sendTestEmail(services, objectBody(req.body));
    return reply.code(204).send();
  });
}
