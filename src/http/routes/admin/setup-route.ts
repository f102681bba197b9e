import type { FastifyInstance } from "fastify";
import {
  consumeSetupToken,
  lockSetup,
  noSuperuserYet,
  removeAllSetupTokens,
} from "../../../admin/setup-token.js";
import { SUPERUSERS } from "../../../auth/authenticate.js";
import { completeAuth } from "../../../auth/complete-auth.js";
import { badRequest, type IssueMap, issue } from "../../../errors/api-error.js";
import { systemContext } from "../../../records/request-context.js";
import { requestBody } from "../../plugins/multipart-body.js";
import { contextOf } from "../../request-context.js";
import type { Services } from "../../services.js";

/**
 * POST /api/admin/setup {token, email, password, passwordConfirm}: creates the first superuser
 * with the one-time token printed at startup, and signs them in (the answer is the same as
 * auth-with-password's). Refused once any superuser exists.
 */
export function setupRoutes(app: FastifyInstance, services: Services): void {
  app.post("/api/admin/setup", async (req) => {
    const body = await requestBody(req);
    const ctx = await contextOf(req, services);
    const { token, email, password, passwordConfirm } = body;
    const missing: IssueMap = {};
    for (const [key, value] of Object.entries({ token, email, password, passwordConfirm })) {
      if (typeof value !== "string" || value === "")
        missing[key] = issue("validation_required", "Missing required value.");
    }
    if (Object.keys(missing).length > 0) throw badRequest("Failed to create the superuser.", missing);

    const collection = services.registry.get(SUPERUSERS);
    if (!collection) throw badRequest("The _superusers collection is missing.");
    const id = await services.store.transaction(async (tx) => {
      await lockSetup(tx);
      const state = await consumeSetupToken(tx, token as string);
      if (state !== "valid") {
        throw badRequest(
          state === "expired"
            ? "The setup link has expired; restart the server for a new one."
            : "The setup link is invalid or was already used.",
          { token: issue("validation_invalid_token", "Invalid or expired setup token.") },
        );
      }
      if (!(await noSuperuserYet(tx))) throw badRequest("A superuser already exists; sign in instead.");
      // Validation failures (bad email, short password, mismatch) throw here and roll the token back.
      const created = (await services.records.create(
        SUPERUSERS,
        { email, password, passwordConfirm, verified: true },
        systemContext(),
        { db: tx },
      )) as { id: string };
      await removeAllSetupTokens(tx);
      return created.id;
    });
    const record = await services.records.query.findOne(collection, id);
    if (!record) throw badRequest("Failed to create the superuser.");
    return completeAuth(services, collection, record, ctx, "password");
  });
}
