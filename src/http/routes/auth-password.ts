import type { FastifyInstance } from "fastify";
import { authWithPassword } from "../../auth/password-auth.js";
import { requestBody } from "../plugins/multipart-body.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";
import { authCollection } from "./auth-collection.js";

type Params = { collection: string };

/** POST /api/collections/{c}/auth-with-password. */
export function authPasswordRoutes(app: FastifyInstance, services: Services): void {
  app.post<{ Params: Params }>("/api/collections/:collection/auth-with-password", async (req) => {
    const c = authCollection(services, req.params.collection);
    const body = await requestBody(req);
    const ctx = await contextOf(req, services);
    return authWithPassword(services, c, body, ctx);
  });
}
