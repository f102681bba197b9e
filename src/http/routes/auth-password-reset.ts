import type { FastifyInstance } from "fastify";
import { confirmPasswordReset, requestPasswordReset } from "../../auth/email-flows/password-reset.js";
import { requestBody } from "../plugins/multipart-body.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";
import { authCollection } from "./auth-collection.js";

type Params = { collection: string };

/** POST /api/collections/{c}/request-password-reset and confirm-password-reset. */
export function authPasswordResetRoutes(app: FastifyInstance, services: Services): void {
  app.post<{ Params: Params }>("/api/collections/:collection/request-password-reset", async (req, reply) => {
    const c = authCollection(services, req.params.collection);
    requestPasswordReset(services, req.log, c, await requestBody(req));
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>("/api/collections/:collection/confirm-password-reset", async (req, reply) => {
    const c = authCollection(services, req.params.collection);
    await confirmPasswordReset(services, c, await requestBody(req), await contextOf(req, services));
    return reply.code(204).send();
  });
}
