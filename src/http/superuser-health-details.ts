import type { FastifyRequest } from "fastify";
import { contextOf } from "./request-context.js";
import type { Services } from "./services.js";

/** Headers that usually mean a reverse proxy stands in front (PocketBase's dashboard warns about them). */
const COMMON_PROXY_HEADERS = ["cf-connecting-ip", "fly-client-ip", "x-forwarded-for"];

/**
 * PocketBase's extra health details for a superuser: whether a backup or restore may start now,
 * the address the server sees, and a proxy header the request carries (the trusted ones first), so
 * the dashboard can say "you seem to be behind a proxy: set Settings → trusted proxy". A bad or
 * non-superuser token just gets the plain answer: health never refuses.
 */
export function superuserHealthDetails(services: Services) {
  return async (request: FastifyRequest): Promise<Record<string, unknown> | undefined> => {
    const ctx = await contextOf(request, services).catch(() => undefined);
    if (!ctx?.auth?.isSuperuser) return undefined;
    const trusted = (services.settings.peek() ?? (await services.settings.get())).trustedProxy.headers;
    const possibleProxyHeader =
      [...trusted, ...COMMON_PROXY_HEADERS].find(
        (name) => request.headers[name.toLowerCase()] !== undefined,
      ) ?? "";
    return { canBackup: services.backups.active === null, realIP: ctx.ip, possibleProxyHeader };
  };
}
