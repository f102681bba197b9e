import type { FastifyInstance } from "fastify";
import { completeAuth } from "../../auth/complete-auth.js";
import { tokenDuration } from "../../auth/tokens.js";
import { badRequest, issue, notFound } from "../../errors/api-error.js";
import { formInteger } from "../plugins/form-body.js";
import { readBody } from "../plugins/multipart-body.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";
import { authCollection } from "./auth-collection.js";

type Params = { collection: string; id: string };

/** Longest impersonation token we sign: ten years (larger numbers would overflow the JWT expiry). */
const MAX_DURATION = 315_360_000;

/**
 * POST /api/collections/{c}/impersonate/{id}: a superuser gets a token acting as the record.
 * The token cannot be refreshed (it ends when `duration` does; 0 or absent = the collection's
 * auth token duration), and the audit log names the superuser, not the record, as the actor.
 */
export function authImpersonateRoutes(app: FastifyInstance, services: Services): void {
  app.post<{ Params: Params }>("/api/collections/:collection/impersonate/:id", async (req) => {
    const ctx = await requireSuperuser(req, services);
    const c = authCollection(services, req.params.collection);
    const { body, formKeys } = await readBody(req, req.server.jsonMaxDepth, null);
    // A form's duration is a string (as PocketBase's form binding, "" is 0); JSON's must be a number.
    const duration = formKeys.has("duration") ? formInteger(body.duration) : (body.duration ?? 0);
    if (
      typeof duration !== "number" ||
      !Number.isInteger(duration) ||
      duration < 0 ||
      duration > MAX_DURATION
    )
      throw badRequest("An error occurred while validating the submitted data.", {
        duration: issue(
          "validation_invalid_duration",
          `Must be a whole number of seconds, 0 to ${MAX_DURATION}.`,
        ),
      });
    const record = await services.records.query.findOne(c, req.params.id);
    if (!record) throw notFound();
    return completeAuth(services, c, record, ctx, "impersonate", undefined, {
      staticTokenSeconds: duration > 0 ? duration : tokenDuration(c, "auth"),
    });
  });
}
