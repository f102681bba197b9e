import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors/api-error.js";
import type { Readiness } from "../readiness/readiness.js";

/**
 * While the node drains (after SIGTERM), new realtime connections are refused with 503: they would
 * last past the node's exit, and a balancer that retries on 503 (nginx `proxy_next_upstream
 * http_503`) opens them on another node at once. Every other request is still served.
 */
export function registerDrainRefusals(app: FastifyInstance, readiness: Pick<Readiness, "draining">): void {
  app.addHook("onRequest", (request, _reply, done) => {
    if (!readiness.draining || request.method !== "GET" || !request.url.startsWith("/api/realtime"))
      return done();
    done(new ApiError(503, "The node is shutting down; connect again (another node will answer)."));
  });
}
