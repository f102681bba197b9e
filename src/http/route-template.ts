import type { FastifyInstance, FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyRequest {
    /** The matched route's template once read (`null`: not read yet; `undefined`: no route matched). */
    routeTemplateMemo: string | undefined | null;
  }
}

/** Declares the per-request slot routeTemplate fills. */
export function registerRouteTemplate(app: FastifyInstance): void {
  app.decorateRequest("routeTemplateMemo", null);
}

/**
 * The matched route's template (`/api/collections/:collection/records/:id`), or undefined when no
 * route matched. Fastify's `request.routeOptions` builds a new object of a dozen fields on every
 * read; the headers, metrics and log of one request read the template once between them.
 */
export function routeTemplate(request: FastifyRequest): string | undefined {
  let template = request.routeTemplateMemo;
  if (template === null) {
    template = request.routeOptions.url;
    request.routeTemplateMemo = template;
  }
  return template;
}
