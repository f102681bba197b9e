import type { FastifyError, FastifyInstance } from "fastify";
import { ApiError } from "../../errors/api-error.js";
import {
  classifyDependencyError,
  DependencyError,
  dependencyApiError,
} from "../../errors/dependency-errors.js";
import type { StoreHealth } from "../../store/store-health.js";

const GENERIC = "Something went wrong while processing your request.";

/** Maps anything thrown to the PocketBase error shape; only ApiErrors and 4xx framework errors show their message. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // A lost database connection or a full disk: 503 (retry) or 507, not a bug's 500.
  const problem = classifyDependencyError(err);
  if (problem) return dependencyApiError(problem);
  const e = err as Partial<FastifyError>;
  // PostgreSQL refuses to drop what a view still reads; that is the caller's change to fix.
  if ((err as { code?: unknown }).code === "2BP01") {
    return new ApiError(400, "Other objects (such as a view collection) depend on what the change removes.");
  }
  const status = typeof e.statusCode === "number" ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") return new ApiError(413, "The request body is too large.");
    if (e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return new ApiError(415, "Unsupported content type.");
    if (e.code === "FST_ERR_CTP_EMPTY_JSON_BODY") return new ApiError(400, "The request body is empty.");
    if (e.code === "FST_ERR_CTP_INVALID_JSON_BODY" || e instanceof SyntaxError) {
      return new ApiError(400, "The request body is not valid JSON.");
    }
    return new ApiError(status, status === 404 ? "The requested resource wasn't found." : "Invalid request.");
  }
  return new ApiError(500, GENERIC);
}

/** `health` sees dependency failures first: during an outage only its first failure is logged. */
export function registerErrorHandler(app: FastifyInstance, health?: Pick<StoreHealth, "shouldLog">): void {
  app.setErrorHandler((err, request, reply) => {
    const apiError = toApiError(err);
    if (apiError instanceof DependencyError) {
      if (apiError.retryAfterSeconds) reply.header("retry-after", String(apiError.retryAfterSeconds));
      if (health?.shouldLog(err) ?? true) request.log.error({ err }, `request failed: ${apiError.problem}`);
    } else if (apiError.status >= 500) request.log.error({ err }, "request failed");
    reply.code(apiError.status).send(apiError.toJSON());
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send({ status: 404, message: "The requested resource wasn't found.", data: {} });
  });
}
