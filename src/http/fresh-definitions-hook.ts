import type { FastifyInstance } from "fastify";
import type { FreshDefinitions } from "../collections/fresh-definitions.js";
import type { ChangeClock } from "../store/store.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The change clock's `started` when the request arrived; -1 when not recorded (see Arrival). */
    changeLooksStartedAtArrival: number;
  }
}

/** Requests that use no collection or setting: health checks and the admin's static files. */
function usesNoDefinitions(url: string): boolean {
  return url.startsWith("/api/health") || url.startsWith("/_/") || url === "/_";
}

/**
 * Before anything else reads a collection or a setting (rate limits, trusted proxy, rules): a
 * schema, rule or settings change committed by any node before this request arrived holds for it.
 * A callback hook: on SQLite with nothing changed, a request pays for no promise.
 */
export function registerFreshDefinitions(
  app: FastifyInstance,
  definitions: FreshDefinitions,
  clock: ChangeClock | undefined,
): void {
  app.decorateRequest("changeLooksStartedAtArrival", -1);
  app.addHook("onRequest", (request, _reply, done) => {
    if (usesNoDefinitions(request.url)) return done();
    if (clock) request.changeLooksStartedAtArrival = clock.started;
    const waiting = definitions.ensure();
    if (!waiting) return done();
    // The store unreachable: go on with what is loaded; the request's own queries report the outage.
    waiting.then(
      () => done(),
      () => done(),
    );
  });
}
