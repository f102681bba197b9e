import type { FastifyInstance } from "fastify";
import { confirmEmailChange, requestEmailChange } from "../../auth/email-flows/email-change.js";
import { requestBody } from "../plugins/multipart-body.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";
import { authCollection } from "./auth-collection.js";

type Params = { collection: string };

/** POST /api/collections/{c}/request-email-change (signed in) and confirm-email-change. */
export function authEmailChangeRoutes(app: FastifyInstance, services: Services): void {
  app.post<{ Params: Params }>("/api/collections/:collection/request-email-change", async (req, reply) => {
    const c = authCollection(services, req.params.collection);
    const ctx = await contextOf(req, services);
    await requestEmailChange(services, req.log, c, await requestBody(req), ctx);
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>("/api/collections/:collection/confirm-email-change", async (req, reply) => {
    const c = authCollection(services, req.params.collection);
    await confirmEmailChange(services, c, await requestBody(req), await contextOf(req, services));
    return reply.code(204).send();
  });
}
