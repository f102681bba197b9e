import type { FastifyInstance } from "fastify";
import { tokenFromHeader } from "../../auth/authenticate.js";
import { completeAuth } from "../../auth/complete-auth.js";
import { peekClaims } from "../../auth/tokens.js";
import { ApiError } from "../../errors/api-error.js";
import { requireAuth } from "../request-context.js";
import type { Services } from "../services.js";
import { authCollection } from "./auth-collection.js";

type Params = { collection: string };

/** POST /api/collections/{c}/auth-refresh: a new token for the record the current one names. */
export function authRefreshRoutes(app: FastifyInstance, services: Services): void {
  app.post<{ Params: Params }>("/api/collections/:collection/auth-refresh", async (req) => {
    const ctx = await requireAuth(req, services);
    const c = authCollection(services, req.params.collection);
    const auth = ctx.auth;
    if (!auth || auth.collection.id !== c.id)
      throw new ApiError(403, "The authorized record is not from this collection.");
    // Impersonation tokens (and any without the claim) end when they expire.
    if (peekClaims(tokenFromHeader(req.headers.authorization))?.refreshable !== true)
      throw new ApiError(403, "The current auth token is not refreshable.");
    return completeAuth(services, c, auth.record, ctx, "refresh");
  });
}
