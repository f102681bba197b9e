import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from "fastify";
import { notFound } from "../errors/api-error.js";
import { registerErrorHandler, toApiError } from "./plugins/error-handler.js";
import { registerJsonBody } from "./plugins/json-body.js";
import { registerMultipart } from "./plugins/multipart-body.js";
import { adminPlaceholderRoutes } from "./routes/admin-placeholder.js";
import { auditRoutes } from "./routes/audit.js";
import { authMethodsRoutes } from "./routes/auth-methods.js";
import { authPasswordRoutes } from "./routes/auth-password.js";
import { authRefreshRoutes } from "./routes/auth-refresh.js";
import { batchRoutes } from "./routes/batch.js";
import { collectionRoutes } from "./routes/collections.js";
import { healthRoutes } from "./routes/health.js";
import { recordRoutes } from "./routes/records.js";
import { settingsRoutes } from "./routes/settings.js";
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
    // Router-level failures (over-long path parameters, bad URL encoding) get the API's error shape too.
    frameworkErrors: (error, _request, reply) => {
      const apiError = error.code === "FST_ERR_MAX_PARAM_LENGTH" ? notFound() : toApiError(error);
      (reply as FastifyReply).code(apiError.status).send(apiError.toJSON());
    },
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
  authMethodsRoutes(app, services);
  authPasswordRoutes(app, services);
  authRefreshRoutes(app, services);
  batchRoutes(app, services);
  auditRoutes(app, services);
  settingsRoutes(app, services);
  adminPlaceholderRoutes(app);
  return app;
}
