import type { FastifyInstance, FastifyRequest } from "fastify";
import { identify } from "../auth/authenticate.js";
import { checkSuperuserIp } from "../auth/superuser-ips.js";
import { forbidden, unauthorized } from "../errors/api-error.js";
import type { RequestContext } from "../records/request-context.js";
import { clientIp } from "./client-ip.js";
import type { Services } from "./services.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The request's context once something asked for it (see contextOf). */
    backroomContext: Promise<RequestContext> | null;
    /** The same context once it is known (read synchronously by the request log). */
    backroomContextValue: RequestContext | null;
  }
}

/**
 * Declares the per-request slot contextOf fills: a property every request object is created with
 * (Fastify's decorateRequest), so the lookup is a field read instead of a WeakMap entry per request.
 */
export function registerRequestContext(app: FastifyInstance): void {
  app.decorateRequest("backroomContext", null);
  app.decorateRequest("backroomContextValue", null);
}

/**
 * Query values as plain strings (the last one wins when a key repeats). The parsed query is used
 * as it is when no key repeats, which is almost always.
 */
function flatQuery(query: unknown): Record<string, string> {
  if (!query || typeof query !== "object") return {};
  const values = query as Record<string, unknown>;
  for (const k in values) {
    if (typeof values[k] !== "string") return lastValues(values);
  }
  return values as Record<string, string>;
}

function lastValues(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof value === "string") out[k] = value;
  }
  return out;
}

/** The request's context, computed once (auth is a token check plus one primary-key read). */
export function contextOf(request: FastifyRequest, services: Services): Promise<RequestContext> {
  let ctx = request.backroomContext;
  if (!ctx) {
    ctx = (async () => {
      const clock = services.definitions.clock;
      const { auth, apiKey } = await identify(request.headers.authorization, {
        registry: services.registry,
        query: services.records.query,
        store: services.store,
        arrival:
          clock && request.changeLooksStartedAtArrival >= 0
            ? { clock, started: request.changeLooksStartedAtArrival }
            : undefined,
      });
      const { trustedProxy, superuserIPs } = services.settings.peek() ?? (await services.settings.get());
      // One literal shape for every request (an API key is added after, rarely).
      const known: RequestContext = {
        auth,
        superuser: auth ? auth.isSuperuser : apiKey !== null,
        query: flatQuery(request.query),
        // As Node parsed them (lower-case names); rules normalize names where they read them.
        headers: request.headers as Record<string, string>,
        method: request.method,
        context: "default",
        requestId: String(request.id),
        ip: clientIp(request, trustedProxy),
        url: request.url,
      };
      if (apiKey) known.apiKey = apiKey;
      if (auth?.isSuperuser) checkSuperuserIp(superuserIPs, known.ip);
      request.backroomContextValue = known;
      return known;
    })();
    request.backroomContext = ctx;
  }
  return ctx;
}

/** The request's context if something already asked for it (never starts the auth lookup). */
export function knownContextOf(request: FastifyRequest): Promise<RequestContext> | undefined {
  return request.backroomContext ?? undefined;
}

export async function requireSuperuser(request: FastifyRequest, services: Services): Promise<RequestContext> {
  const ctx = await contextOf(request, services);
  // An API key has superuser rights only over the records its scopes name, never here.
  if (ctx.apiKey) throw forbidden("API keys can only access the records of their scopes.");
  if (!ctx.auth) throw unauthorized();
  if (!ctx.superuser) throw forbidden("Only superusers can perform this action.");
  return ctx;
}

export async function requireAuth(request: FastifyRequest, services: Services): Promise<RequestContext> {
  const ctx = await contextOf(request, services);
  if (!ctx.auth) throw unauthorized();
  return ctx;
}
