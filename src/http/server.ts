import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { registerErrorHandler } from "./plugins/error-handler.js";
import { registerJsonBody } from "./plugins/json-body.js";
import { registerMultipart } from "./plugins/multipart-body.js";
import { adminPlaceholderRoutes } from "./routes/admin-placeholder.js";
import { auditRoutes } from "./routes/audit.js";
import { authRoutes } from "./routes/auth.js";
import { batchRoutes } from "./routes/batch.js";
import { collectionRoutes } from "./routes/collections.js";
import { healthRoutes } from "./routes/health.js";
import { recordRoutes } from "./routes/records.js";
import type { Services } from "./services.js";

/** Assembles the HTTP server: where every request enters. */
export async function buildHttpServer(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ["req.headers.authorization", "req.headers.cookie"],
    },
    bodyLimit: config.bodyLimit,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    requestIdHeader: "x-request-id",
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // Access logs cost a log line per request; they come on with --dev / debug level.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== "debug" && config.logLevel !== "trace",
    }),
    return503OnClosing: true,
  });
  registerErrorHandler(app);
  registerJsonBody(app, config.jsonMaxDepth);
  await registerMultipart(app, config.bodyLimit);
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  healthRoutes(app);
  collectionRoutes(app, services);
  recordRoutes(app, services);
  authRoutes(app, services);
  batchRoutes(app, services);
  auditRoutes(app, services);
  adminPlaceholderRoutes(app);
  return app;
}
