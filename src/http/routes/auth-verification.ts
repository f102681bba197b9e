import type { FastifyInstance } from "fastify";
import { confirmVerification, requestVerification } from "../../auth/email-flows/verification.js";
import { requestBody } from "../plugins/multipart-body.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";
import { authCollection } from "./auth-collection.js";

type Params = { collection: string };

/** POST /api/collections/{c}/request-verification and confirm-verification. */
export function authVerificationRoutes(app: FastifyInstance, services: Services): void {
  app.post<{ Params: Params }>("/api/collections/:collection/request-verification", async (req, reply) => {
    const c = authCollection(services, req.params.collection);
    requestVerification(services, req.log, c, await requestBody(req));
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>("/api/collections/:collection/confirm-verification", async (req, reply) => {
    const c = authCollection(services, req.params.collection);
    await confirmVerification(services, c, await requestBody(req), await contextOf(req, services));
    return reply.code(204).send();
  });
}
