import type { FastifyInstance } from "fastify";
import { badRequest } from "../../errors/api-error.js";
import { testS3Settings } from "../../files/test-s3.js";
import { requestBody } from "../plugins/multipart-body.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

/**
 * Storage settings helpers (superusers): `GET /api/settings/storage` says whether storage is set by
 * the server's environment (then `settings.s3` is ignored) and where files go now;
 * `POST /api/settings/test/s3 {filesystem: "storage"}` (the SDK's `pb.settings.testS3()`) checks
 * the saved S3 settings against the bucket.
 */
export function settingsStorageRoutes(app: FastifyInstance, services: Services): void {
  app.get("/api/settings/storage", async (req) => {
    await requireSuperuser(req, services);
    if (services.config.files.kind === "s3")
      return { source: "environment", kind: "s3", bucket: services.config.files.bucket };
    const { s3 } = await services.settings.get();
    if (s3.enabled) return { source: "settings", kind: "s3", bucket: s3.bucket };
    return { source: "settings", kind: services.config.files.kind === "database" ? "database" : "local" };
  });

  app.post("/api/settings/test/s3", async (req, reply) => {
    await requireSuperuser(req, services);
    const { filesystem = "storage" } = await requestBody(req);
    if (filesystem !== "storage")
      throw badRequest("Only the file storage can be tested.", {
        filesystem: { code: "validation_invalid_value", message: 'Must be "storage".' },
      });
    await testS3Settings((await services.settings.get()).s3);
    return reply.code(204).send();
  });
}
