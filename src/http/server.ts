import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from "fastify";
import { adminRoutes } from "../admin/admin-routes.js";
import { notFound } from "../errors/api-error.js";
import { UploadReceiver } from "../files/receive-upload.js";
import { customRoutes } from "../hooks/custom-routes.js";
import { registerRequestLog } from "../logs/request-log-hook.js";
import { lazyChildLogger } from "./lazy-request-logger.js";
import { registerCors } from "./plugins/cors.js";
import { registerErrorHandler, toApiError } from "./plugins/error-handler.js";
import { registerJsonBody } from "./plugins/json-body.js";
import { registerMultipart } from "./plugins/multipart-body.js";
import { registerRateLimits } from "./rate-limit/rate-limit-hook.js";
import { registerRequestContext } from "./request-context.js";
import { apiKeyRoutes } from "./routes/api-keys.js";
import { auditRoutes } from "./routes/audit.js";
import { authEmailChangeRoutes } from "./routes/auth-email-change.js";
import { authImpersonateRoutes } from "./routes/auth-impersonate.js";
import { authMethodsRoutes } from "./routes/auth-methods.js";
import { authOAuth2Routes } from "./routes/auth-oauth2.js";
import { authOtpRoutes } from "./routes/auth-otp.js";
import { authPasswordRoutes } from "./routes/auth-password.js";
import { authPasswordResetRoutes } from "./routes/auth-password-reset.js";
import { authRefreshRoutes } from "./routes/auth-refresh.js";
import { authVerificationRoutes } from "./routes/auth-verification.js";
import { batchRoutes } from "./routes/batch.js";
import { collectionRoutes } from "./routes/collections.js";
import { fileRoutes } from "./routes/files.js";
import { healthRoutes } from "./routes/health.js";
import { jobRoutes } from "./routes/jobs.js";
import { logRoutes } from "./routes/logs.js";
import { oauth2RedirectRoutes } from "./routes/oauth2-redirect.js";
import { realtimeSseRoutes } from "./routes/realtime-sse.js";
import { realtimeWsRoutes } from "./routes/realtime-ws.js";
import { recordRoutes } from "./routes/records.js";
import { settingsRoutes } from "./routes/settings.js";
import { settingsStorageRoutes } from "./routes/settings-storage.js";
import { settingsTestEmailRoutes } from "./routes/settings-test-email.js";
import { webhookRoutes } from "./routes/webhooks.js";
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
    childLoggerFactory: lazyChildLogger,
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
  registerRequestContext(app);
  await registerCors(app, config.origins);
  registerJsonBody(app, config.jsonMaxDepth);
  await registerMultipart(app, config.bodyLimit, new UploadReceiver(services.files, services.registry));
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });
  registerRateLimits(app, services);
  registerRequestLog(app, services);

  healthRoutes(app);
  collectionRoutes(app, services);
  recordRoutes(app, services);
  authMethodsRoutes(app, services);
  authPasswordRoutes(app, services);
  authOAuth2Routes(app, services);
  oauth2RedirectRoutes(app);
  authRefreshRoutes(app, services);
  authVerificationRoutes(app, services);
  authPasswordResetRoutes(app, services);
  authEmailChangeRoutes(app, services);
  settingsTestEmailRoutes(app, services);
  settingsStorageRoutes(app, services);
  authOtpRoutes(app, services);
  authImpersonateRoutes(app, services);
  apiKeyRoutes(app, services);
  batchRoutes(app, services);
  fileRoutes(app, services);
  realtimeSseRoutes(app, services);
  await realtimeWsRoutes(app, services);
  auditRoutes(app, services);
  logRoutes(app, services);
  jobRoutes(app, services);
  webhookRoutes(app, services);
  settingsRoutes(app, services);
  adminRoutes(app, services);
  // Last: the catch-all for routes that hooks add (Backroom's own, more specific routes win).
  await customRoutes(app, services, services.hooks);
  return app;
}
