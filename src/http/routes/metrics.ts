import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { hasSystemScope } from "../../auth/api-keys/scopes.js";
import { tokenFromHeader } from "../../auth/authenticate.js";
import { forbidden, notFound, unauthorized } from "../../errors/api-error.js";
import type { AppMetrics } from "../../metrics/app-metrics.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";

/**
 * `GET /api/metrics`: Prometheus' text format, while the `metrics.enabled` setting is on (404
 * otherwise). Readers: a scraper's bearer token (the `metrics.token` setting or
 * BACKROOM_METRICS_TOKEN), a superuser, or an API key with the `metrics` scope.
 */
export function metricsRoutes(app: FastifyInstance, services: Services, metrics: AppMetrics): void {
  app.get("/api/metrics", async (request, reply) => {
    const { metrics: options } = await services.settings.get();
    if (!options.enabled) throw notFound();
    await authorizeScrape(request, services, [options.token, services.config.metricsToken ?? ""]);
    const text = await metrics.render();
    reply.header("content-type", metrics.contentType);
    reply.header("cache-control", "no-store");
    return text;
  });
}

async function authorizeScrape(request: FastifyRequest, services: Services, tokens: string[]): Promise<void> {
  const sent = tokenFromHeader(request.headers.authorization);
  if (sent !== "" && tokens.some((token) => token !== "" && sameSecret(sent, token))) return;
  const ctx = await contextOf(request, services);
  if (ctx.apiKey) {
    if (hasSystemScope(ctx.apiKey.scopes, "metrics")) return;
    throw forbidden('Only API keys with the "metrics" scope can read the metrics.');
  }
  if (!ctx.auth) throw unauthorized();
  if (!ctx.auth.isSuperuser) throw forbidden("Only superusers can read the metrics.");
}

/** Compares digests, so the time taken says nothing about how much of the token matched. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
