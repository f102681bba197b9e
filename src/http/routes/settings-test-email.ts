import type { FastifyInstance } from "fastify";
import { sendTestEmail } from "../../auth/email-flows/test-email.js";
import { requestBody } from "../plugins/multipart-body.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

/** POST /api/settings/test/email {email, template, collection} (superusers): sends a sample. */
export function settingsTestEmailRoutes(app: FastifyInstance, services: Services): void {
  app.post("/api/settings/test/email", async (req, reply) => {
    await requireSuperuser(req, services);
    await sendTestEmail(services, await requestBody(req));
    return reply.code(204).send();
  });
}
