import type { FastifyInstance } from "fastify";
import { appleClientSecret } from "../../auth/oauth2/apple-client-secret.js";
import { actorOf } from "../../records/record-consequences.js";
import { maskSecrets } from "../../settings/settings-service.js";
import { formInteger } from "../plugins/form-body.js";
import { readBody, requestBody } from "../plugins/multipart-body.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

/** /api/settings for superusers; secrets are masked on every read. */
export function settingsRoutes(app: FastifyInstance, services: Services): void {
  app.get("/api/settings", async (req) => {
    await requireSuperuser(req, services);
    return maskSecrets(await services.settings.get());
  });

  app.patch("/api/settings", async (req) => {
    const ctx = await requireSuperuser(req, services);
    return maskSecrets(await services.settings.update(await requestBody(req), actorOf(ctx)));
  });

  app.post("/api/settings/apple/generate-client-secret", async (req) => {
    await requireSuperuser(req, services);
    const { body, formKeys } = await readBody(req, req.server.jsonMaxDepth, null);
    const duration = formKeys.has("duration") ? formInteger(body.duration) : body.duration;
    return {
      secret: await appleClientSecret({
        clientId: body.clientId,
        teamId: body.teamId,
        keyId: body.keyId,
        privateKey: body.privateKey,
        duration,
      }),
    };
  });
}
