import type { FastifyRequest } from "fastify";
import { identify } from "../auth/authenticate.js";
import { forbidden, unauthorized } from "../errors/api-error.js";
import type { RequestContext } from "../records/request-context.js";
import { clientIp } from "./client-ip.js";
import type { Services } from "./services.js";

const contexts = new WeakMap<FastifyRequest, Promise<RequestContext>>();

/** Query values as plain strings (the last one wins when a key repeats). */
function flatQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!query || typeof query !== "object") return out;
  for (const [k, v] of Object.entries(query)) {
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof value === "string") out[k] = value;
  }
  return out;
}

/** Header names as rules see them: lower-case, `-` → `_`. */
function ruleHeaders(headers: FastifyRequest["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (typeof v === "string") out[k.toLowerCase().replaceAll("-", "_")] = v;
  }
  return out;
}

function plainHeaders(headers: FastifyRequest["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (typeof v === "string") out[k] = v;
  return out;
}

/** The request's context, computed once (auth is a token check plus one primary-key read). */
export function contextOf(request: FastifyRequest, services: Services): Promise<RequestContext> {
  let ctx = contexts.get(request);
  if (!ctx) {
    ctx = (async () => {
      const { auth, apiKey } = await identify(request.headers.authorization, {
        registry: services.registry,
        query: services.records.query,
        store: services.store,
      });
      const { trustedProxy } = await services.settings.get();
      return {
        auth,
        ...(apiKey ? { apiKey } : {}),
        superuser: auth ? auth.isSuperuser : apiKey !== null,
        query: flatQuery(request.query),
        headers: ruleHeaders(request.headers),
        method: request.method,
        context: "default",
        requestId: String(request.id),
        ip: clientIp(request, trustedProxy),
        url: request.url,
        rawHeaders: plainHeaders(request.headers),
      };
    })();
    contexts.set(request, ctx);
  }
  return ctx;
}

/** The request's context if something already asked for it (never starts the auth lookup). */
export function knownContextOf(request: FastifyRequest): Promise<RequestContext> | undefined {
  return contexts.get(request);
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
