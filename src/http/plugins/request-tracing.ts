import type { Span } from "@opentelemetry/api";
import type { FastifyInstance } from "fastify";
import type { Tracing } from "../../tracing/tracing.js";
import { routeTemplate } from "../route-template.js";
import { UNMATCHED_ROUTE } from "./request-metrics.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The request's span while tracing is on. */
    traceSpan: Span | null;
  }
}

/**
 * One server span per request (registered only while tracing is on), a child of the caller's
 * span when the request carries a W3C `traceparent`. The rest of the request (hooks, handler, the
 * statements it runs, jobs it enqueues) runs inside the span's context.
 */
export function registerRequestTracing(app: FastifyInstance, { api, tracer }: Tracing): void {
  app.decorateRequest("traceSpan", null);
  app.addHook("onRequest", (request, _reply, done) => {
    const parent = api.propagation.extract(api.ROOT_CONTEXT, request.headers);
    const route = routeTemplate(request) ?? UNMATCHED_ROUTE;
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      {
        kind: api.SpanKind.SERVER,
        attributes: {
          "http.request.method": request.method,
          "http.route": route,
          // The path only: query strings may carry tokens.
          "url.path": request.url.split("?")[0] ?? "",
          "client.address": request.ip,
        },
      },
      parent,
    );
    request.traceSpan = span;
    api.context.with(api.trace.setSpan(parent, span), done);
  });
  app.addHook("onResponse", (request, reply, done) => {
    const span = request.traceSpan;
    if (span) {
      span.setAttribute("http.response.status_code", reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
      // Kept on the request: the request log's hook, after this one, reads its trace id.
      span.end();
    }
    done();
  });
  app.addHook("onRequestAbort", (request, done) => {
    request.traceSpan?.end();
    request.traceSpan = null;
    done();
  });
}
