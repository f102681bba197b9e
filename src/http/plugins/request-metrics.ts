import type { FastifyInstance } from "fastify";
import type { AppMetrics } from "../../metrics/app-metrics.js";
import { routeTemplate } from "../route-template.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Counted in the in-flight gauge and not yet taken out of it. */
    metricsInFlight: boolean;
  }
}

/** Requests that matched no route share one label: raw URLs would make a series per URL. */
export const UNMATCHED_ROUTE = "unmatched";

/**
 * Times every request into the metrics, labelled by its route's template (never the URL: ids and
 * query strings would grow the series without bound). `enabled` is read per request, so the
 * `metrics.enabled` setting takes effect without a restart; off, a request costs one check.
 */
export function registerRequestMetrics(
  app: FastifyInstance,
  metrics: AppMetrics,
  enabled: () => boolean,
): void {
  app.decorateRequest("metricsInFlight", false);
  app.addHook("onRequest", (request, _reply, done) => {
    if (enabled()) {
      request.metricsInFlight = true;
      metrics.requestStarted();
    }
    done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    if (request.metricsInFlight) {
      request.metricsInFlight = false;
      metrics.requestEnded();
      const route = routeTemplate(request) ?? UNMATCHED_ROUTE;
      metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    }
    done();
  });
  // A client that goes away before the answer: out of the in-flight count, not timed.
  app.addHook("onRequestAbort", (request, done) => {
    if (request.metricsInFlight) {
      request.metricsInFlight = false;
      metrics.requestEnded();
    }
    done();
  });
}
