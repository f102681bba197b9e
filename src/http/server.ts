import { randomUUID } from "node:crypto";
import type { SecureContextOptions } from "node:tls";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import { cadence } from "../crons/cron-catalog.js";
import { notFound } from "../errors/api-error.js";
import { UploadReceiver } from "../files/receive-upload.js";
import { DEFAULT_WRITER_OPTIONS } from "../logs/request-log-writer.js";
import { AppMetrics } from "../metrics/app-metrics.js";
import { defaultSettings } from "../settings/settings-model.js";
import { activeTracing, type Tracing } from "../tracing/tracing.js";
import { registerDrainRefusals } from "./drain-hook.js";
import { registerFreshDefinitions } from "./fresh-definitions-hook.js";
import { lazyChildLogger } from "./lazy-request-logger.js";
import { registerCors } from "./plugins/cors.js";
import { registerErrorHandler, toApiError } from "./plugins/error-handler.js";
import { registerUrlEncodedBody } from "./plugins/form-body.js";
import { registerJsonBody } from "./plugins/json-body.js";
import { registerMultipart } from "./plugins/multipart-body.js";
import { registerRequestMetrics } from "./plugins/request-metrics.js";
import { registerRequestTracing } from "./plugins/request-tracing.js";
import { registerSecurityHeaders } from "./plugins/security-headers.js";
import { PublicFolder } from "./public-folder.js";
import { registerRateLimits } from "./rate-limit/rate-limit-hook.js";
import { registerRequestContext } from "./request-context.js";
import { registerRequestLog } from "./request-log-hook.js";
import { registerRouteTemplate } from "./route-template.js";
import { adminRoutes } from "./routes/admin/admin-routes.js";
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
import { backupRoutes } from "./routes/backups.js";
import { batchRoutes } from "./routes/batch.js";
import { changeRoutes } from "./routes/changes.js";
import { collectionRoutes } from "./routes/collections.js";
import { cronRoutes } from "./routes/crons.js";
import { customRoutes } from "./routes/custom-routes.js";
import { fileRoutes } from "./routes/files.js";
import { graphqlRoutes } from "./routes/graphql.js";
import { healthRoutes } from "./routes/health.js";
import { importExportRoutes } from "./routes/import-export.js";
import { jobRoutes } from "./routes/jobs.js";
import { logRoutes } from "./routes/logs.js";
import { metricsRoutes } from "./routes/metrics.js";
import { oauth2RedirectRoutes } from "./routes/oauth2-redirect.js";
import { openApiRoutes } from "./routes/openapi.js";
import { pushRoutes } from "./routes/push.js";
import { realtimeSseRoutes } from "./routes/realtime-sse.js";
import { realtimeWsRoutes } from "./routes/realtime-ws.js";
import { recordRoutes } from "./routes/records.js";
import { settingsRoutes } from "./routes/settings.js";
import { settingsStorageRoutes } from "./routes/settings-storage.js";
import { settingsTestEmailRoutes } from "./routes/settings-test-email.js";
import { sqlRoutes } from "./routes/sql.js";
import { tusRoutes } from "./routes/tus.js";
import { webhookRoutes } from "./routes/webhooks.js";
import type { Services } from "./services.js";
import { superuserHealthDetails } from "./superuser-health-details.js";

/** How the server speaks TLS: its first certificate (none yet under ACME: handshakes fail until one comes). */
export interface TlsOptions {
  initial: SecureContextOptions | undefined;
}
const defaultMetricsOn = defaultSettings().metrics.enabled;

/** Assembles the HTTP server: where every request enters. */
export async function buildHttpServer(services: Services, tls?: TlsOptions): Promise<FastifyInstance> {
  const { config } = services;
  // HTTPS is HTTP/1.1 only: see "HTTPS" in docs/DESIGN.md for why not HTTP/2.
  const tracing = activeTracing();
  const app = Fastify({
    ...(tls ? { https: { ...tls.initial } } : {}),
    logger: {
      level: config.logLevel,
      redact: ["req.headers.authorization", "req.headers.cookie"],
      // While tracing is on, every line written inside a traced request or job names its trace.
      ...(tracing ? { mixin: () => traceIds(tracing) } : {}),
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
  } as FastifyServerOptions) as unknown as FastifyInstance; // Typed as Fastify's HTTP one: same API.
  registerErrorHandler(app, services.store.health);
  registerRequestContext(app);
  registerRouteTemplate(app);
  registerFreshDefinitions(app, services.definitions, services.definitions.clock);
  registerDrainRefusals(app, services.readiness);
  if (tracing) registerRequestTracing(app, tracing);
  const metrics = new AppMetrics(services);
  metrics.setEnabled(defaultMetricsOn);
  app.addHook("onClose", async () => metrics.close());
  // The setting as last read: the request path never waits for it (other hooks refresh it).
  let metricsOn = defaultMetricsOn;
  registerRequestMetrics(app, metrics, () => {
    const settings = services.settings.peek();
    if (settings && settings.metrics.enabled !== metricsOn) {
      metricsOn = settings.metrics.enabled;
      metrics.setEnabled(metricsOn);
    }
    return metricsOn;
  });
  await registerCors(app, config.origins);
  registerSecurityHeaders(app, {
    adminFrameAncestors: config.adminFrameAncestors,
    trustedProxy: async () => (services.settings.peek() ?? (await services.settings.get())).trustedProxy,
  });
  registerJsonBody(app, config.jsonMaxDepth);
  registerUrlEncodedBody(app, config.jsonMaxDepth);
  await registerMultipart(app, config.bodyLimit, new UploadReceiver(services.files, services.registry));
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });
  registerRateLimits(app, services);
  const requestLog = registerRequestLog(app, services);
  services.crons.add({
    id: "__pbLogsCleanup__",
    expression: () => cadence(DEFAULT_WRITER_OPTIONS.pruneEveryMs),
    run: () => requestLog.prune(),
  });

  healthRoutes(app, {
    health: services.store.health,
    readiness: services.readiness,
    superuserDetails: superuserHealthDetails(services),
  });
  collectionRoutes(app, services);
  recordRoutes(app, services);
  changeRoutes(app, services);
  const graphqlWs = await graphqlRoutes(app, services);
  importExportRoutes(app, services);
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
  tusRoutes(app, services);
  realtimeSseRoutes(app, services);
  await realtimeWsRoutes(app, services, graphqlWs);
  auditRoutes(app, services);
  logRoutes(app, services);
  metricsRoutes(app, services, metrics);
  jobRoutes(app, services);
  webhookRoutes(app, services);
  pushRoutes(app, services);
  backupRoutes(app, services);
  cronRoutes(app, services);
  sqlRoutes(app, services);
  settingsRoutes(app, services);
  openApiRoutes(app, services);
  adminRoutes(app, services);
  // Last: the catch-all for routes that hooks add (Backroom's own, more specific routes win).
  // What no route takes: hooks' routes first, then a file of the public folder.
  const publicFolder = new PublicFolder(config.publicDir);
  await customRoutes(app, services, services.hooks, (request, reply) => publicFolder.serve(request, reply));
  return app;
}

function traceIds({ api }: Tracing): Record<string, string> {
  const span = api.trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
